using System.Diagnostics;
using Workbench.Models;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// Runs the libtorch 2.10 peer (tests/reference/libtorch-peer: pytorch_vae.py's models and training loop over TorchSharp
/// 0.107 and libtorch's CPU build), the strongest CPU peer a researcher would pick. The peer project is not part of
/// Workbench.sln (restoring it downloads ~600 MB of libtorch): it is built here on first use, and its copy of TorchSharp's
/// glue library is made loadable on this system (<see cref="LibTorchGlue"/>).
/// </summary>
internal static class LibTorchPeer
{
    /// <summary>The peer's library as reports name it.</summary>
    public const string Name = "libtorch 2.10";

    private const string Project = "libtorch-peer/LibTorchPeer.csproj";

    /// <summary>The dotnet host and the built peer once <see cref="Prepare"/> has run in this process (null: it cannot run), so every thread setting shares one build.</summary>
    private static (bool Done, (string Dotnet, string Program)? Peer) _prepared;

    /// <summary>
    /// Starts the peer of <paramref name="architecture"/> in its serve mode with <paramref name="threads"/> intra-op threads
    /// (torch.set_num_threads; one inter-op thread) and waits until it has loaded its data; null, with the reason printed,
    /// when it cannot run.
    /// </summary>
    /// <param name="dataDirectory">The Fashion-MNIST folder (null: the peer's default, /usr/share/datasets/fashion-mnist, as pytorch_vae.py's).</param>
    public static PeerSession? Start(Architecture architecture, int threads, int? images, string? dataDirectory, TextWriter output)
    {
        if (!_prepared.Done) _prepared = (true, Prepare(output));
        if (_prepared.Peer is not ({ } dotnet, { } program)) return null;
        var arguments = new List<string>
        {
            program, "serve", "--architecture", System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(architecture.ToString()), "--threads", threads.ToString(),
        };
        if (images is { } limit) arguments.AddRange(["--limit", limit.ToString()]);
        if (dataDirectory is not null) arguments.AddRange(["--data-dir", Path.GetFullPath(dataDirectory)]);
        var session = PeerSession.Serve(new ProcessStartInfo(dotnet, arguments), Name, $"TorchSharp 0.107, {threads} thread{(threads == 1 ? "" : "s")}", threads, output);
        if (session?.ReadyLine is { } ready)
            output.WriteLine($"  {session.Label} ready: torch {ready.GetProperty("torch")}, TorchSharp {ready.GetProperty("torchsharp")}, " +
                             $"{ready.GetProperty("threads")} intra-op and {ready.GetProperty("interop_threads")} inter-op thread(s)");
        return session;
    }

    /// <summary>The dotnet host and the peer's program, built if it is missing or older than its sources, with a glue library this system loads; null (the reason printed) when it cannot run.</summary>
    private static (string Dotnet, string Program)? Prepare(TextWriter output)
    {
        if (ReferenceFiles.Find(Project) is not { } project)
            return Skip(output, $"needs tests/reference/{Project} (run the workbench from its repository)");
        if (FindDotnet() is not { } dotnet) return Skip(output, "needs the .NET SDK's dotnet on the PATH to build tests/reference/libtorch-peer");
        string folder = Path.GetDirectoryName(project)!;
        string program = Path.Combine(folder, "bin", "Release", "net10.0", "LibTorchPeer.dll");
        if (IsStale(folder, program) && !Build(dotnet, project, output)) return null;
        if (!OperatingSystem.IsLinux()) return (dotnet, program);
        string glue = Path.Combine(Path.GetDirectoryName(program)!, "runtimes", "linux-x64", "native", LibTorchGlue.FileName);
        if (!File.Exists(glue)) return Skip(output, $"{glue} is missing after the build (TorchSharp-cpu ships it for linux-x64 only)");
        try
        {
            return LibTorchGlue.MakeLoadable(glue, output) is { } problem ? Skip(output, problem) : (dotnet, program);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return Skip(output, e.Message);
        }
    }

    private static (string, string)? Skip(TextWriter output, string reason)
    {
        output.WriteLine($"  libtorch peer skipped: {reason}.");
        return null;
    }

    /// <summary>True when the program is missing or a source file (the project's own folder, not bin/ or obj/) is newer.</summary>
    private static bool IsStale(string folder, string program) =>
        !File.Exists(program) || Directory.EnumerateFiles(folder).Any(f => File.GetLastWriteTimeUtc(f) > File.GetLastWriteTimeUtc(program));

    /// <summary>dotnet build -c Release of the peer, its output printed when it fails; no build servers stay behind to share the machine with the benchmark.</summary>
    private static bool Build(string dotnet, string project, TextWriter output)
    {
        output.WriteLine("  Building the libtorch peer (dotnet build -c Release tests/reference/libtorch-peer; the first build restores " +
                         "TorchSharp-cpu 0.107 with libtorch 2.10, about 600 MB)...");
        var start = new ProcessStartInfo(dotnet, ["build", project, "-c", "Release", "--nologo", "--disable-build-servers"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        string log = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 0) return true;
        output.WriteLine((log + errors.Result).TrimEnd());
        Skip(output, $"dotnet build -c Release of {project} failed (exit {process.ExitCode}), its output is above");
        return false;
    }

    /// <summary>The dotnet host running this program, else the first on the PATH or in DOTNET_ROOT; null when there is none.</summary>
    private static string? FindDotnet()
    {
        string name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == name) return self;
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? "");
        return directories.Where(d => d.Length > 0).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}
