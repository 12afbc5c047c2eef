using System.Diagnostics;
using System.Text.Json;
using Workbench.Models;

namespace Workbench.Cli.Benchmarks;

/// <summary>Runs the committed PyTorch peers (tests/reference/pytorch_vae.py, pytorch_gru.py) under Debian's PyTorch 1.13.</summary>
internal static class PyTorchPeer
{
    private const string Python = "/usr/bin/python3";

    /// <summary>The BLAS Debian's PyTorch should load (libblas.so.3 from OpenBLAS, pthreads build).</summary>
    private const string OpenBlasPthread = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3";

    /// <summary>
    /// Starts the peer of <paramref name="architecture"/> in its <c>serve</c> mode, with one OpenMP thread
    /// (PyTorch's convolutions and elementwise ops: two OpenMP threads oversubscribe this 2-core machine,
    /// measured 30× slower on the conv VAE) and <paramref name="blasThreads"/> OpenBLAS threads (its linear
    /// layers; Debian's PyTorch uses the system BLAS, so libopenblas0-pthread must be installed or it runs
    /// on the reference BLAS), and waits until it has loaded its data; null, with the reason printed, when
    /// the peer cannot run.
    /// </summary>
    public static Session? Start(Architecture architecture, int blasThreads, int? images, TextWriter output)
    {
        var arguments = new List<string> { "--architecture", System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(architecture.ToString()) };
        if (images is { } limit) arguments.AddRange(["--limit", limit.ToString()]);
        return Start("pytorch_vae.py", arguments, blasThreads, output);
    }

    /// <summary>
    /// Starts a committed peer script under tests/reference (<paramref name="scriptName"/>) in its serve mode with one
    /// OpenMP thread and <paramref name="blasThreads"/> OpenBLAS threads, and waits for its {"ready": …} line; null, with
    /// the reason printed, when the peer cannot run. <paramref name="input"/>, when given, writes what the peer reads from its
    /// standard input before it is ready (e.g. the data it trains on).
    /// </summary>
    public static Session? Start(string scriptName, IReadOnlyList<string> arguments, int blasThreads, TextWriter output, Action<TextWriter>? input = null)
    {
        var script = FindScript(scriptName);
        if (script is null || !File.Exists(Python))
        {
            output.WriteLine($"  PyTorch peer skipped: needs /usr/bin/python3 with PyTorch (apt-get install python3-torch) and tests/reference/{scriptName}.");
            return null;
        }
        if (!File.Exists(OpenBlasPthread))
            output.WriteLine($"  Warning: {OpenBlasPthread} is missing (apt-get install libopenblas0-pthread): Debian's PyTorch then runs on the " +
                             "reference BLAS and its times are several times slower than PyTorch can be here.");
        return Serve(script, ["serve", .. arguments], blasThreads, output, input);
    }

    private static Session? Serve(string script, List<string> arguments, int blasThreads, TextWriter output, Action<TextWriter>? input)
    {
        arguments.Insert(0, script);
        var start = new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["OPENBLAS_NUM_THREADS"] = blasThreads.ToString();
        var session = new Session(Process.Start(start)!, blasThreads, output);
        if (input is not null && !session.Send(input))
        {
            session.Dispose();
            return null;
        }
        if (session.ReadReply("ready") is null)
        {
            session.Dispose();
            return null;
        }
        return session;
    }

    /// <summary>A running peer that trains one epoch each time it is asked, so a benchmark can interleave its epochs with its own.</summary>
    internal sealed class Session : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stderr;
        private readonly TextWriter _output;
        private bool _failed;

        public Session(Process process, int blasThreads, TextWriter output)
        {
            (_process, BlasThreads, _output) = (process, blasThreads, output);
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public int BlasThreads { get; }

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
            return ReadReply(name);
        }

        /// <summary>Writes <paramref name="input"/>'s text to the peer's standard input; false (the reason printed) when the peer has gone.</summary>
        internal bool Send(Action<TextWriter> input)
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

        /// <summary>The named value of the peer's next JSON line, or null after printing why there is none.</summary>
        internal JsonElement? ReadReply(string name)
        {
            string? line = _process.StandardOutput.ReadLine();
            try
            {
                if (line is not null && JsonDocument.Parse(line).RootElement.TryGetProperty(name, out var value)) return value.Clone();
            }
            catch (JsonException)
            {
                // not a reply: reported below
            }
            _failed = true;
            _process.StandardInput.Close();
            _process.WaitForExit(10_000);
            string reason = _stderr.IsCompleted ? _stderr.Result.Trim().Split('\n').LastOrDefault() ?? "" : "no reply";
            _output.WriteLine($"  PyTorch peer (OPENBLAS_NUM_THREADS={BlasThreads}) failed{(_process.HasExited ? $" (exit {_process.ExitCode})" : "")}: {reason}");
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

    private static string? FindScript(string fileName)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "reference", fileName);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
