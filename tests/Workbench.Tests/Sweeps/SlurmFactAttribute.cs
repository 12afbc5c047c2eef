using System.Diagnostics;

namespace Workbench.Tests.Sweeps;

/// <summary>
/// A test that needs a Slurm cluster answering <c>sinfo</c> (tests/run.sh starts a one-node one on this machine when
/// run as root, with tests/slurm/start-local-cluster.sh); skipped otherwise, with the reason.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (Unavailable() is { } reason) Skip = reason;
    }

    private static string? Unavailable()
    {
        string how = "tests/run.sh starts a one-node cluster when run as root (tests/slurm/start-local-cluster.sh)";
        if (!OperatingSystem.IsLinux()) return "Slurm end-to-end test: Linux only.";
        if (!File.Exists("/usr/bin/sbatch") && !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "sbatch"))))
            return $"Slurm end-to-end test skipped: sbatch not found (Debian: apt-get install slurm-wlm munge); {how}.";
        try
        {
            using var sinfo = Process.Start(new ProcessStartInfo("sinfo", ["-h", "-o", "%T"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string states = sinfo.StandardOutput.ReadToEnd();
            string error = sinfo.StandardError.ReadToEnd();
            if (!sinfo.WaitForExit(20_000)) return "Slurm end-to-end test skipped: sinfo did not answer in 20 s.";
            if (sinfo.ExitCode == 0 && (states.Contains("idle") || states.Contains("mix") || states.Contains("alloc"))) return null;
            string root = Environment.UserName == "root" ? "" : " (not root, so tests/run.sh cannot start one)";
            return $"Slurm end-to-end test skipped: no Slurm cluster answers{root}: sinfo exit {sinfo.ExitCode} {error.Trim()} {states.Trim()}; {how}.";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"Slurm end-to-end test skipped: cannot run sinfo ({e.Message}); {how}.";
        }
    }
}
