namespace Workbench.Data;

/// <summary>How <see cref="IdxDatasetLoader"/> looks for, and if need be downloads, a dataset's files.</summary>
public sealed class IdxLoadOptions
{
    /// <summary>A folder that must hold the files; when set nothing else is searched.</summary>
    public string? Directory { get; init; }

    /// <summary>Download the official files when no copy is found (default true).</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>Where downloads go; default <c>data/&lt;name&gt;</c> at the repository root (or the working directory outside a repository).</summary>
    public string? DownloadDirectory { get; init; }

    /// <summary>The HTTP handler downloads use (tests pass a fake one); default a plain <see cref="HttpClientHandler"/>.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Show a progress bar on the console while downloading (only on an interactive terminal).</summary>
    public bool ShowProgress { get; init; } = true;

    /// <summary>Looks up environment variables (default <see cref="Environment.GetEnvironmentVariable(string)"/>).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Where the search for <c>data/&lt;name&gt;</c> starts before walking up to the repository root (default the current directory).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>System-wide folders searched last (default the dataset's <see cref="IdxDatasetSpec.SystemDirectory"/>).</summary>
    public IReadOnlyList<string>? SystemDirectories { get; init; }

    internal static IdxLoadOptions Default { get; } = new();
}
