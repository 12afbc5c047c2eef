using System.Diagnostics;

namespace Workbench.Tests.Support;

/// <summary>
/// A tmpfs of a few megabytes mounted on a fresh folder (root only): a disk that really fills up, or
/// that is really read-only, whatever the user's permissions.
/// </summary>
public sealed class SmallTmpfs : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SmallTmpfs(string size = "2m", bool readOnly = false)
    {
        Path = _directory.File("mnt");
        Directory.CreateDirectory(Path);
        Run("mount", "-t", "tmpfs", "-o", (readOnly ? "ro," : "") + $"size={size}", "tmpfs", Path);
    }

    public string Path { get; }

    /// <summary>Why a tmpfs cannot be mounted here, or null when it can.</summary>
    public static string? WhyUnavailable { get; } = Probe();

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "needs Linux (tmpfs)";
        if (GetUid() != 0)
            return "needs root to mount a small tmpfs; run the suite as root to include it";
        try
        {
            using var probe = new SmallTmpfs("64k");
            return null;
        }
        catch (Exception e)
        {
            return $"cannot mount a tmpfs here ({e.Message.Trim()})";
        }
    }

    private static uint GetUid() => uint.TryParse(File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:"))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], out var uid) ? uid : uint.MaxValue;

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new IOException($"{command} {string.Join(' ', args)}: {error}");
    }

    public void Dispose()
    {
        try { Run("umount", "-l", Path); }
        catch (IOException) { }
        _directory.Dispose();
    }
}

/// <summary>A test that needs <see cref="SmallTmpfs"/>: skipped, saying why, when not running as root or mounting is not allowed.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (SmallTmpfs.WhyUnavailable is { } reason) Skip = reason;
    }
}
