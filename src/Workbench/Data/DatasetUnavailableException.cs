namespace Workbench.Data;

/// <summary>
/// A dataset's files were found nowhere and could not be downloaded. The message lists the places
/// searched and the ways to provide the files.
/// </summary>
public sealed class DatasetUnavailableException(string message, Exception? inner = null) : IOException(message, inner);
