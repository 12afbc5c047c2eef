namespace Workbench.Data;

/// <summary>
/// A data file that cannot be used: missing, malformed, truncated, or failing its checksum.
/// The message always starts with the file's path (or resource name) followed by the problem.
/// </summary>
/// <remarks>An <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed, so it cannot be the base).</remarks>
public sealed class DataFileException : IOException
{
    public DataFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file (or embedded resource) the problem is about.</summary>
    public string FilePath { get; }

    /// <summary>The problem alone, without the path.</summary>
    public string Problem { get; }
}
