using System.Diagnostics;
using System.Text.Json;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// A running peer (a program under tests/reference) that trains one epoch, or runs one round, each time it is asked, so a
/// benchmark can interleave its epochs with its own. The protocol: the peer prints one JSON line {"ready": …} once it has
/// loaded its data, then reads one request per line from its standard input and answers each with one JSON line.
/// </summary>
internal sealed class PeerSession : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly TextWriter _output;
    private bool _failed;

    private PeerSession(Process process, string peer, string setting, int threads, TextWriter output)
    {
        (_process, Peer, Setting, Threads, _output) = (process, peer, setting, threads, output);
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>
    /// Starts <paramref name="start"/> with its standard streams connected to this process and waits for its ready line;
    /// null, with the reason printed, when the peer fails first. <paramref name="input"/>, when given, writes what the peer
    /// reads from its standard input before it is ready (e.g. the data it trains on).
    /// </summary>
    /// <param name="peer">The peer's library, e.g. "PyTorch 1.13": a report compares against each library's best setting.</param>
    /// <param name="setting">Its thread setting as a report's row names it, e.g. "OMP 1, BLAS 2".</param>
    public static PeerSession? Serve(ProcessStartInfo start, string peer, string setting, int threads, TextWriter output, Action<TextWriter>? input = null)
    {
        (start.RedirectStandardInput, start.RedirectStandardOutput, start.RedirectStandardError, start.UseShellExecute) = (true, true, true, false);
        var session = new PeerSession(Process.Start(start)!, peer, setting, threads, output);
        if ((input is null || session.Send(input)) && session.ReadReply("ready") is { } ready)
        {
            session.ReadyLine = ready;
            return session;
        }
        session.Dispose();
        return null;
    }

    /// <summary>The peer's library, e.g. "PyTorch 1.13" or "libtorch 2.10".</summary>
    public string Peer { get; }

    /// <summary>The peer's thread setting, e.g. "OMP 1, BLAS 2" or "TorchSharp 0.107, 1 thread".</summary>
    public string Setting { get; }

    /// <summary>The thread count that tells this peer's setting from the library's others (OpenBLAS's for PyTorch 1.13, torch.set_num_threads's for libtorch).</summary>
    public int Threads { get; }

    /// <summary>"PyTorch 1.13 (OMP 1, BLAS 2)": the peer and its setting, as reports and progress lines name it.</summary>
    public string Label => $"{Peer} ({Setting})";

    /// <summary>The peer's ready line (its versions and threads, as the peer reports them).</summary>
    public JsonElement ReadyLine { get; private set; }

    /// <summary>Seconds of each epoch trained so far.</summary>
    public List<double> Seconds { get; } = [];

    /// <summary>Trains one epoch and returns its seconds; null (the reason printed once) when the peer has failed.</summary>
    public double? Epoch() => Epoch("epoch");

    /// <summary>
    /// Sends <paramref name="command"/> (one or more lines that ask for one epoch) and returns the reply's seconds, recorded in
    /// <see cref="Seconds"/>; null (the reason printed once) when the peer has failed.
    /// </summary>
    public double? Epoch(string command)
    {
        if (Request(command, "seconds") is not { } reply) return null;
        double seconds = reply.GetDouble();
        Seconds.Add(seconds);
        return seconds;
    }

    /// <summary>Sends <paramref name="command"/> and returns the named value of the reply; null (the reason printed once) when the peer has failed.</summary>
    public JsonElement? Request(string command, string name)
    {
        if (_failed) return null;
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        return ReadReply(name)?.GetProperty(name);
    }

    /// <summary>Writes <paramref name="input"/>'s text to the peer's standard input; false (the reason printed) when the peer has gone.</summary>
    private bool Send(Action<TextWriter> input)
    {
        try
        {
            input(_process.StandardInput);
            _process.StandardInput.Flush();
            return true;
        }
        catch (IOException)
        {
            ReadReply("ready"); // a peer that stopped reading: prints its last words
            return false;
        }
    }

    /// <summary>The peer's next JSON line when it holds <paramref name="name"/>, or null after printing why there is none.</summary>
    private JsonElement? ReadReply(string name)
    {
        string? line = _process.StandardOutput.ReadLine();
        try
        {
            if (line is not null && JsonDocument.Parse(line).RootElement is var reply && reply.TryGetProperty(name, out _)) return reply.Clone();
        }
        catch (JsonException)
        {
            // not a reply: reported below
        }
        _failed = true;
        _process.StandardInput.Close();
        _process.WaitForExit(10_000);
        string reason = _stderr.IsCompleted ? _stderr.Result.Trim().Split('\n').LastOrDefault() ?? "" : "no reply";
        _output.WriteLine($"  {Label} peer failed{(_process.HasExited ? $" (exit {_process.ExitCode})" : "")}: {reason}");
        return null;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try { _process.StandardInput.Close(); } catch (IOException) { }
            if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
