namespace Workbench.IO;

/// <summary>
/// An exclusive lock file that a process waits for, rather than skipping its work, around a short write that
/// several processes share (the results index, an experiment's report, the shared plotly.js). The operating
/// system drops it when the process dies, and the file is deleted on release.
/// </summary>
public static class FileLock
{
    /// <summary>Takes the lock <paramref name="path"/>, waiting while another process holds it (30 s by default).</summary>
    /// <exception cref="IOException">Still held after <paramref name="timeout"/>, or the folder cannot be written.</exception>
    public static IDisposable Wait(string path, TimeSpan? timeout = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException e) when (FolderLock.IsHeldByAnother(e) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }
}
