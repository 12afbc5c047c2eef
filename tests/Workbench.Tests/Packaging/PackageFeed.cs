using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;
using Workbench.Notebooks;
using Workbench.Tests.Support;

namespace Workbench.Tests.Packaging;

/// <summary>
/// The repository's folder feed (<c>src/feed/</c>) holding the Workbench package of the library these tests run
/// against: its version is the one the built <c>Workbench.dll</c> carries (AssemblyInformationalVersion before '+').
/// When the feed lacks it, it is packed once per test run from that build (<c>dotnet pack --no-build</c>, what
/// <c>tests/run.sh</c> does before the tests with a build).
/// </summary>
internal static class PackageFeed
{
    public static string Folder => Path.Combine(Repository.Root(), "src", "feed");

    /// <summary>The package version of the Workbench assembly the tests reference, e.g. "0.1.0-g9d08629".</summary>
    public static string Version { get; } = typeof(Lab).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
        .InformationalVersion.Split('+')[0];

    public static string PackagePath => Path.Combine(Folder, $"Workbench.{Version}.nupkg");

    public static string SymbolsPath => Path.Combine(Folder, $"Workbench.{Version}.snupkg");

    private static readonly Lazy<string> Packed = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The path of the package for <see cref="Version"/>, packing it first when the feed lacks it.</summary>
    public static string EnsurePacked() => Packed.Value;

    private static string Pack()
    {
        if (File.Exists(PackagePath) && File.Exists(SymbolsPath)) return PackagePath;
        var configuration = typeof(Lab).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var (exitCode, output) = Dotnet("pack", Path.Combine(Repository.Root(), "src", "Workbench", "Workbench.csproj"),
            "-c", configuration, "--no-build", "--no-restore", "-nologo");
        Assert.True(exitCode == 0 && File.Exists(PackagePath),
            $"{PackagePath} is missing and packing the built library did not make it (was src/Workbench changed since it was built? " +
            $"`dotnet pack src/Workbench -c Release` builds and packs):\n{output}");
        return PackagePath;
    }

    /// <summary>The text of one file inside a package (a zip).</summary>
    public static string EntryText(string package, string entry)
    {
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader((zip.GetEntry(entry) ?? throw new Xunit.Sdk.XunitException($"{package} has no {entry}")).Open());
        return reader.ReadToEnd();
    }

    /// <summary>The bytes of one file inside a package.</summary>
    public static byte[] EntryBytes(string package, string entry)
    {
        using var zip = ZipFile.OpenRead(package);
        using var stream = (zip.GetEntry(entry) ?? throw new Xunit.Sdk.XunitException($"{package} has no {entry}")).Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The names of the files inside a package.</summary>
    public static IReadOnlyList<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    /// <summary>The package's nuspec <c>metadata</c> element.</summary>
    public static XElement Metadata(string package)
    {
        var nuspec = XDocument.Parse(EntryText(package, "Workbench.nuspec"));
        return nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    /// <summary>One child of the nuspec metadata, by local name.</summary>
    public static XElement? Field(this XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

    /// <summary>Runs the dotnet CLI (the one running the tests when known) and returns its exit code and all it printed.</summary>
    public static (int ExitCode, string Output) Dotnet(params string[] arguments) => Run(DotnetPath(), Repository.Root(), arguments);

    /// <summary>Runs a program in <paramref name="workingDirectory"/> and returns its exit code and all it printed.</summary>
    public static (int ExitCode, string Output) Run(string program, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // A child MSBuild must not join the test run's build nodes.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    private static string DotnetPath() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
