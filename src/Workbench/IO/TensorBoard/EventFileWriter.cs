namespace Workbench.IO.TensorBoard;

/// <summary>
/// One TensorBoard event file, <c>events.out.tfevents.&lt;seconds&gt;.&lt;host&gt;.&lt;pid&gt;</c>, in
/// a directory: a file-version record, then one Event record per call. TensorBoard reads
/// the directory as one run (a new file per process is how TensorBoard's own writers append after a restart).
/// </summary>
public sealed class EventFileWriter : IDisposable
{
    private readonly TfRecordWriter _records;

    public EventFileWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        string name = $"events.out.tfevents.{now.ToUnixTimeSeconds():D10}.{Environment.MachineName}.{Environment.ProcessId}";
        Path = System.IO.Path.Combine(directory, name);
        // A second writer in the same second and process (a resumed run in a notebook) gets its own file.
        for (int n = 1; File.Exists(Path); n++) Path = System.IO.Path.Combine(directory, $"{name}.{n}");
        _records = new TfRecordWriter(new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read));
        _records.Write(TensorBoardMessages.FileVersionEvent(WallTime()));
    }

    public string Path { get; }

    public void Scalar(string tag, long step, double value) =>
        _records.Write(TensorBoardMessages.ScalarEvent(WallTime(), step, tag, (float)value));

    /// <summary>Several scalars of one step in one record.</summary>
    public void Scalars(long step, IEnumerable<(string Tag, double Value)> scalars) =>
        _records.Write(TensorBoardMessages.ScalarsEvent(WallTime(), step, scalars.Select(s => (s.Tag, (float)s.Value))));

    /// <summary>A PNG image, <paramref name="channels"/> 1 (grey) or 3 (RGB).</summary>
    public void Image(string tag, long step, byte[] png, int width, int height, int channels) =>
        _records.Write(TensorBoardMessages.ImageEvent(WallTime(), step, tag, png, width, height, channels));

    /// <summary>The run's hyperparameters for the HParams dashboard.</summary>
    public void SessionStart(IReadOnlyDictionary<string, object> hparams, string groupName = "") =>
        _records.Write(TensorBoardMessages.SessionStartEvent(WallTime(), hparams, groupName));

    public void SessionEnd(bool succeeded) =>
        _records.Write(TensorBoardMessages.SessionEndEvent(WallTime(), succeeded ? TensorBoardMessages.StatusSuccess : TensorBoardMessages.StatusFailure));

    /// <summary>Pushes written records to disk, so a running TensorBoard sees them.</summary>
    public void Flush() => _records.Flush();

    public void Dispose() => _records.Dispose();

    private static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
