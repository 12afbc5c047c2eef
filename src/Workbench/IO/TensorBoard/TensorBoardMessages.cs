namespace Workbench.IO.TensorBoard;

/// <summary>
/// The messages TensorBoard reads from event files, encoded with the field numbers of its published
/// definitions: <c>tensorboard/compat/proto/event.proto</c> (Event), <c>summary.proto</c> (Summary,
/// Summary.Value, Summary.Image, SummaryMetadata), <c>tensor.proto</c>/<c>tensor_shape.proto</c>
/// (TensorProto), <c>plugins/hparams/plugin_data.proto</c> (HParamsPluginData, SessionStartInfo,
/// SessionEndInfo) and <c>google/protobuf/struct.proto</c> (Value).
/// </summary>
public static class TensorBoardMessages
{
    /// <summary>The first record of every event file: TensorBoard checks it names this format version.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>The HParams plugin's name, its data version, and the tags its summaries go under.</summary>
    public const string HParamsPlugin = "hparams", SessionStartTag = "_hparams_/session_start_info", SessionEndTag = "_hparams_/session_end_info";
    public const int HParamsPluginVersion = 0;

    /// <summary>HParams Status.STATUS_SUCCESS and STATUS_FAILURE (api.proto).</summary>
    public const int StatusSuccess = 1, StatusFailure = 2;

    // Event
    private const int EventWallTime = 1, EventStep = 2, EventFileVersion = 3, EventSummary = 5;
    // Summary and Summary.Value
    private const int SummaryValue = 1;
    private const int ValueTag = 1, ValueSimpleValue = 2, ValueImage = 4, ValueTensor = 8, ValueMetadata = 9;
    // Summary.Image
    private const int ImageHeight = 1, ImageWidth = 2, ImageColorspace = 3, ImageEncoded = 4;
    // SummaryMetadata and its PluginData
    private const int MetadataPluginData = 1, PluginName = 1, PluginContent = 2;
    // TensorProto, TensorShapeProto, DataType.DT_FLOAT
    private const int TensorDtype = 1, TensorShape = 2, ShapeDim = 2, DtFloat = 1;
    // HParamsPluginData, SessionStartInfo, SessionEndInfo
    private const int PluginDataVersion = 1, PluginDataSessionStart = 3, PluginDataSessionEnd = 4;
    private const int StartHParams = 1, StartGroupName = 4, StartTimeSecs = 5;
    private const int EndStatus = 1, EndTimeSecs = 2;
    // map entry and google.protobuf.Value
    private const int MapKey = 1, MapValue = 2;
    private const int ValueNumber = 2, ValueString = 3, ValueBool = 4;

    /// <summary>An Event with <c>file_version</c>.</summary>
    public static byte[] FileVersionEvent(double wallTime) =>
        new ProtoWriter().Double(EventWallTime, wallTime).String(EventFileVersion, FileVersion).ToArray();

    /// <summary>An Event holding one scalar (<c>simple_value</c>, which the scalars dashboard reads).</summary>
    public static byte[] ScalarEvent(double wallTime, long step, string tag, float value) => ScalarsEvent(wallTime, step, [(tag, value)]);

    /// <summary>An Event holding several scalars of one step, one Summary.Value each (smaller than an Event per scalar).</summary>
    public static byte[] ScalarsEvent(double wallTime, long step, IEnumerable<(string Tag, float Value)> scalars)
    {
        var summary = new ProtoWriter();
        foreach (var (tag, value) in scalars)
            summary.Message(SummaryValue, new ProtoWriter().String(ValueTag, tag).Float(ValueSimpleValue, value, always: true));
        return new ProtoWriter().Double(EventWallTime, wallTime).Int64(EventStep, step).Message(EventSummary, summary).ToArray();
    }

    /// <summary>An Event holding one PNG image (Summary.Image: colorspace 1 grey, 3 RGB), for the images dashboard.</summary>
    public static byte[] ImageEvent(double wallTime, long step, string tag, byte[] png, int width, int height, int channels)
    {
        var image = new ProtoWriter().Int64(ImageHeight, height).Int64(ImageWidth, width).Int64(ImageColorspace, channels).Bytes(ImageEncoded, png);
        return SummaryEvent(wallTime, step, new ProtoWriter().String(ValueTag, tag).Message(ValueImage, image));
    }

    /// <summary>
    /// The HParams plugin's session start: the run's hyperparameters (numbers, strings or booleans).
    /// Runs whose event files hold one are the rows of TensorBoard's HParams view.
    /// </summary>
    public static byte[] SessionStartEvent(double wallTime, IReadOnlyDictionary<string, object> hparams, string groupName = "")
    {
        var start = new ProtoWriter();
        foreach (var (name, value) in hparams)
            start.Message(StartHParams, new ProtoWriter().String(MapKey, name).Message(MapValue, ProtobufValue(value)));
        start.String(StartGroupName, groupName).Double(StartTimeSecs, wallTime);
        return HParamsEvent(wallTime, SessionStartTag, new ProtoWriter().Int64(PluginDataVersion, HParamsPluginVersion).Message(PluginDataSessionStart, start));
    }

    /// <summary>The HParams plugin's session end with its status.</summary>
    public static byte[] SessionEndEvent(double wallTime, int status) =>
        HParamsEvent(wallTime, SessionEndTag, new ProtoWriter().Int64(PluginDataVersion, HParamsPluginVersion)
            .Message(PluginDataSessionEnd, new ProtoWriter().Enum(EndStatus, status).Double(EndTimeSecs, wallTime)));

    private static ProtoWriter ProtobufValue(object value) => value switch
    {
        bool b => new ProtoWriter().Bool(ValueBool, b, always: true),
        string s => new ProtoWriter().String(ValueString, s, always: true),
        IConvertible c when value is double or float or int or long or decimal or uint or ulong or short =>
            new ProtoWriter().Double(ValueNumber, c.ToDouble(System.Globalization.CultureInfo.InvariantCulture), always: true),
        _ => throw new ArgumentException($"A hyperparameter is a number, a string or a boolean, not {value.GetType().Name}."),
    };

    /// <summary>
    /// HParams summaries carry their data in the metadata's plugin content and an empty float tensor
    /// (dtype DT_FLOAT, shape [0]) as the value, as TensorBoard's own hparams summaries do.
    /// </summary>
    private static byte[] HParamsEvent(double wallTime, string tag, ProtoWriter pluginData)
    {
        var metadata = new ProtoWriter().Message(MetadataPluginData,
            new ProtoWriter().String(PluginName, HParamsPlugin).Bytes(PluginContent, pluginData.ToArray()));
        var emptyTensor = new ProtoWriter().Enum(TensorDtype, DtFloat).Message(TensorShape, new ProtoWriter().Message(ShapeDim, new ProtoWriter()));
        var value = new ProtoWriter().String(ValueTag, tag).Message(ValueMetadata, metadata).Message(ValueTensor, emptyTensor);
        return SummaryEvent(wallTime, 0, value);
    }

    private static byte[] SummaryEvent(double wallTime, long step, ProtoWriter value) =>
        new ProtoWriter().Double(EventWallTime, wallTime).Int64(EventStep, step)
            .Message(EventSummary, new ProtoWriter().Message(SummaryValue, value)).ToArray();
}
