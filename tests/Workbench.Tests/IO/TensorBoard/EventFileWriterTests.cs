using System.Text;
using Workbench.IO.TensorBoard;
using Workbench.Tests.Support;

namespace Workbench.Tests.IO.TensorBoard;

/// <summary>
/// Event files checked field by field against TensorBoard's published message definitions
/// (tensorboard/compat/proto/event.proto, summary.proto, tensor.proto, tensor_shape.proto,
/// plugins/hparams/plugin_data.proto, google/protobuf/struct.proto), through an independent reader.
/// </summary>
public class EventFileWriterTests
{
    private const int Varint = 0, Fixed64 = 1, Delimited = 2, Fixed32 = 5;

    private static List<WireMessage> Write(Action<EventFileWriter> write)
    {
        using var directory = new TempDirectory();
        string path;
        using (var writer = new EventFileWriter(directory.Path))
        {
            write(writer);
            path = writer.Path;
        }
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(path));
        return EventFileReader.ReadAll(path);
    }

    /// <summary>Event.summary (5) → Summary.value (1): the one Summary.Value of an event.</summary>
    private static WireMessage SummaryValue(WireMessage evt) => evt.One(5, Delimited).Message.One(1, Delimited).Message;

    [Fact]
    public void NewFile_FirstRecord_IsTheFileVersionEvent()
    {
        var records = Write(_ => { });
        var evt = Assert.Single(records);
        Assert.Equal("brain.Event:2", evt.One(3, Delimited).String); // Event.file_version
        double wallTime = evt.One(1, Fixed64).Double;                // Event.wall_time, seconds
        Assert.InRange(wallTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public void Scalar_ValuesIncludingZero_AreSimpleValuesUnderTheirTagAndStep()
    {
        var records = Write(w => { w.Scalar("train/loss", 17, 123.5); w.Scalar("train/kl", 18, 0.0); });
        Assert.Equal(3, records.Count);
        Assert.Equal(17UL, records[1].One(2, Varint).Scalar); // Event.step
        var loss = SummaryValue(records[1]);
        Assert.Equal("train/loss", loss.One(1, Delimited).String); // Value.tag
        Assert.Equal(123.5f, loss.One(2, Fixed32).Float);           // Value.simple_value
        var kl = SummaryValue(records[2]);
        Assert.Equal(0f, kl.One(2, Fixed32).Float); // a oneof member is written even at zero
    }

    [Fact]
    public void Scalars_OneStep_AreOneEventWithAValuePerTag()
    {
        var records = Write(w => w.Scalars(5, [("a", 1.5), ("b", -2.0), ("c", 0.0)]));
        Assert.Equal(2, records.Count);
        Assert.Equal(5UL, records[1].One(2, Varint).Scalar);
        var values = records[1].One(5, Delimited).Message.All(1).Select(f => f.Message).ToList(); // repeated Summary.value
        Assert.Equal(["a", "b", "c"], values.Select(v => v.One(1, Delimited).String));
        Assert.Equal([1.5f, -2f, 0f], values.Select(v => v.One(2, Fixed32).Float));
    }

    [Fact]
    public void Image_Png_IsASummaryImageWithItsSizeAndColorspace()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];
        var records = Write(w => w.Image("images/samples", 3, png, width: 40, height: 20, channels: 1));
        var value = SummaryValue(records[1]);
        Assert.Equal("images/samples", value.One(1, Delimited).String);
        var image = value.One(4, Delimited).Message; // Value.image
        Assert.Equal(20UL, image.One(1, Varint).Scalar); // Image.height
        Assert.Equal(40UL, image.One(2, Varint).Scalar); // Image.width
        Assert.Equal(1UL, image.One(3, Varint).Scalar);  // Image.colorspace: grey
        Assert.Equal(png, image.One(4, Delimited).Bytes); // Image.encoded_image_string
    }

    [Fact]
    public void SessionStart_HParams_AreHParamsPluginDataWithTypedValues()
    {
        var hparams = new Dictionary<string, object> { ["model.beta"] = 4.0, ["objective"] = "elbo", ["dynamic"] = false, ["zero"] = 0.0 };
        var records = Write(w => w.SessionStart(hparams, groupName: "beta=4"));
        var value = SummaryValue(records[1]);
        Assert.Equal("_hparams_/session_start_info", value.One(1, Delimited).String);
        var pluginData = value.One(9, Delimited).Message.One(1, Delimited).Message; // Value.metadata → SummaryMetadata.plugin_data
        Assert.Equal("hparams", pluginData.One(1, Delimited).String);                // PluginData.plugin_name
        var content = pluginData.One(2, Delimited).Message;                          // PluginData.content: HParamsPluginData
        Assert.False(content.Has(1)); // version 0, proto3 default
        var start = content.One(3, Delimited).Message; // HParamsPluginData.session_start_info
        Assert.Equal("beta=4", start.One(4, Delimited).String); // SessionStartInfo.group_name
        Assert.True(start.One(5, Fixed64).Double > 1e9);          // start_time_secs

        // map<string, google.protobuf.Value> hparams = 1: entries with key = 1, value = 2.
        var entries = start.All(1).Select(f => f.Message).ToDictionary(e => e.One(1, Delimited).String, e => e.One(2, Delimited).Message);
        Assert.Equal(["dynamic", "model.beta", "objective", "zero"], entries.Keys.Order());
        Assert.Equal(4.0, entries["model.beta"].One(2, Fixed64).Double); // Value.number_value
        Assert.Equal(0.0, entries["zero"].One(2, Fixed64).Double);
        Assert.Equal("elbo", entries["objective"].One(3, Delimited).String); // Value.string_value
        Assert.Equal(0UL, entries["dynamic"].One(4, Varint).Scalar);         // Value.bool_value

        // The value is TensorBoard's null tensor: DT_FLOAT, shape [0].
        var tensor = value.One(8, Delimited).Message;
        Assert.Equal(1UL, tensor.One(1, Varint).Scalar);
        var dim = tensor.One(2, Delimited).Message.One(2, Delimited).Message;
        Assert.Empty(dim.Fields); // Dim.size = 0
    }

    [Fact]
    public void SessionEnd_Success_HasStatusSuccess()
    {
        var records = Write(w => w.SessionEnd(succeeded: true));
        var value = SummaryValue(records[1]);
        Assert.Equal("_hparams_/session_end_info", value.One(1, Delimited).String);
        var content = value.One(9, Delimited).Message.One(1, Delimited).Message.One(2, Delimited).Message;
        var end = content.One(4, Delimited).Message; // HParamsPluginData.session_end_info
        Assert.Equal(1UL, end.One(1, Varint).Scalar); // Status.STATUS_SUCCESS
        Assert.True(end.One(2, Fixed64).Double > 1e9);
    }

    [Fact]
    public void Reader_CorruptedByte_FailsTheCrcCheck()
    {
        using var directory = new TempDirectory();
        string path;
        using (var writer = new EventFileWriter(directory.Path))
        {
            writer.Scalar("a", 1, 2.0);
            path = writer.Path;
        }
        Assert.Equal(2, EventFileReader.ReadAll(path).Count);
        var bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 0x01; // inside the last record's data
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => EventFileReader.ReadAll(path));
        Assert.Contains("data CRC mismatch", error.Message);
    }

    [Fact]
    public void Records_Framing_IsLengthCrcDataCrc()
    {
        using var directory = new TempDirectory();
        string path;
        using (var writer = new EventFileWriter(directory.Path)) path = writer.Path;
        var bytes = File.ReadAllBytes(path);
        ulong length = BitConverter.ToUInt64(bytes, 0);
        Assert.Equal((ulong)bytes.Length - TfRecordWriter.Overhead, length);
        Assert.Contains("brain.Event:2", Encoding.ASCII.GetString(bytes));
    }
}
