using System.Diagnostics;
using Workbench.Models;

namespace Workbench.Cli.Benchmarks;

/// <summary>Runs the committed PyTorch peers (tests/reference/pytorch_vae.py, pytorch_gru.py) under Debian's PyTorch 1.13.</summary>
internal static class PyTorchPeer
{
    /// <summary>The peer's library as reports name it.</summary>
    public const string Name = "PyTorch 1.13";

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
    public static PeerSession? Start(Architecture architecture, int blasThreads, int? images, TextWriter output)
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
    public static PeerSession? Start(string scriptName, IReadOnlyList<string> arguments, int blasThreads, TextWriter output, Action<TextWriter>? input = null)
    {
        var script = ReferenceFiles.Find(scriptName);
        if (script is null || !File.Exists(Python))
        {
            output.WriteLine($"  PyTorch peer skipped: needs /usr/bin/python3 with PyTorch (apt-get install python3-torch) and tests/reference/{scriptName}.");
            return null;
        }
        if (!File.Exists(OpenBlasPthread))
            output.WriteLine($"  Warning: {OpenBlasPthread} is missing (apt-get install libopenblas0-pthread): Debian's PyTorch then runs on the " +
                             "reference BLAS and its times are several times slower than PyTorch can be here.");
        var start = new ProcessStartInfo(Python, [script, "serve", .. arguments]);
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["OPENBLAS_NUM_THREADS"] = blasThreads.ToString();
        return PeerSession.Serve(start, Name, $"OMP 1, BLAS {blasThreads}", blasThreads, output, input);
    }
}
