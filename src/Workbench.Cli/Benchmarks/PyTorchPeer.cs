using System.Diagnostics;
using System.Text.Json;
using Workbench.Models;

namespace Workbench.Cli.Benchmarks;

/// <summary>Runs the committed PyTorch peer, tests/reference/pytorch_vae.py, under Debian's PyTorch 1.13.</summary>
internal static class PyTorchPeer
{
    private const string Python = "/usr/bin/python3";

    /// <summary>The BLAS Debian's PyTorch should load (libblas.so.3 from OpenBLAS, pthreads build).</summary>
    private const string OpenBlasPthread = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3";

    /// <summary>
    /// Median seconds per training epoch of the peer of <paramref name="architecture"/>, with
    /// one OpenMP thread (PyTorch's convolutions and elementwise ops: two OpenMP threads oversubscribe this
    /// 2-core machine, measured 30× slower on the conv VAE) and <paramref name="blasThreads"/> OpenBLAS threads
    /// (its linear layers; Debian's PyTorch uses the system BLAS, so libopenblas0-pthread must be installed
    /// or it runs on the reference BLAS); null, with the reason printed, when the peer cannot run.
    /// </summary>
    public static double? TimeEpoch(Architecture architecture, int epochs, int blasThreads, int? images, TextWriter output)
    {
        var script = FindScript();
        if (script is null || !File.Exists(Python))
        {
            output.WriteLine("  PyTorch peer skipped: needs /usr/bin/python3 with PyTorch (apt-get install python3-torch) and tests/reference/pytorch_vae.py.");
            return null;
        }
        if (!File.Exists(OpenBlasPthread))
            output.WriteLine($"  Warning: {OpenBlasPthread} is missing (apt-get install libopenblas0-pthread): Debian's PyTorch then runs on the " +
                             "reference BLAS and its times are several times slower than PyTorch can be here.");
        var arguments = new List<string> { script, "bench", "--epochs", epochs.ToString(), "--architecture", architecture == Architecture.Conv ? "conv" : "mlp" };
        if (images is { } limit) arguments.AddRange(["--limit", limit.ToString()]);
        var start = new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["OPENBLAS_NUM_THREADS"] = blasThreads.ToString();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (process.ExitCode != 0 || line is null)
        {
            output.WriteLine($"  PyTorch peer failed (exit {process.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()}");
            return null;
        }
        double seconds = JsonDocument.Parse(line).RootElement.GetProperty("seconds_per_epoch").GetDouble();
        output.WriteLine($"  PyTorch (OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS={blasThreads}): {seconds:F2} s per epoch (median of {epochs})");
        return seconds;
    }

    private static string? FindScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "reference", "pytorch_vae.py");
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
