using Workbench.IO;

namespace Workbench.Tests.Support;

/// <summary>The PyTorch oracle fixtures in Fixtures/ (regenerate with tests/fixtures-gen/make_fixtures.py).</summary>
public static class FixtureFiles
{
    /// <summary>Full path of a fixture copied next to the test assembly.</summary>
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>Reads a fixture safetensors file.</summary>
    public static SafeTensorsFile Load(string name) => SafeTensors.Load(PathOf(name));
}

/// <summary>A fresh directory under the system temp folder, deleted on Dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workbench-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>A path for <paramref name="fileName"/> inside the directory.</summary>
    public string File(string fileName) => System.IO.Path.Combine(Path, fileName);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
