namespace Workbench.IO;

/// <summary>
/// An exclusive lock on a folder: a lock file opened with no sharing, released on dispose or when the
/// process dies (the operating system drops it, so a kill -9 leaves no stale lock). A folder the lock
/// created and that is still empty on release is removed again.
/// </summary>
public sealed class FolderLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _folder;
    private readonly bool _created;

    private FolderLock(FileStream stream, string folder, bool created) => (_stream, _folder, _created) = (stream, folder, created);

    /// <summary>Takes the lock on <paramref name="folder"/> (creating it), or returns null when another process holds it.</summary>
    /// <exception cref="IOException">The folder cannot be written (read-only, full, …).</exception>
    public static FolderLock? TryAcquire(string folder, string lockFileName = ".lock")
    {
        folder = Path.GetFullPath(folder);
        bool created = !Directory.Exists(folder);
        Directory.CreateDirectory(folder);
        try
        {
            var stream = new FileStream(Path.Combine(folder, lockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                FileOptions.DeleteOnClose);
            return new FolderLock(stream, folder, created);
        }
        catch (IOException e) when (IsHeldByAnother(e))
        {
            return null;
        }
    }

    /// <summary>The lock is taken (EWOULDBLOCK on Unix, a sharing or lock violation on Windows), as opposed to a
    /// read-only or full disk, which must be reported rather than taken for another process's work.</summary>
    public static bool IsHeldByAnother(IOException e) => e.HResult is 11 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    public void Dispose()
    {
        _stream.Dispose();
        if (!_created) return;
        try
        {
            if (Directory.Exists(_folder) && !Directory.EnumerateFileSystemEntries(_folder).Any()) Directory.Delete(_folder);
        }
        catch (IOException) { /* another process wrote into it meanwhile */ }
        catch (UnauthorizedAccessException) { }
    }
}
