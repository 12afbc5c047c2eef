using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.IO;
using Workbench.Tensors;

namespace Workbench.Experiments.Running;

/// <summary>
/// How every run begins, images or sentences alike: the lock on its folder first, then the identity checks
/// (<see cref="RunIdentityGuard"/>) while no one else can change the folder, the clean-up of stale temporary files,
/// and config.json, identity.json and environment.json written before training starts.
/// </summary>
internal static class RunStart
{
    /// <summary>
    /// Locks <paramref name="run"/>'s folder under <c>&lt;results&gt;/&lt;experiment&gt;/</c> and prepares it for training;
    /// null when the run is finished, or left to the process that holds it (the folder is then released).
    /// </summary>
    /// <exception cref="RunConfigurationChangedException">The folder holds another configuration (and
    /// <see cref="RunnerOptions.RerunChanged"/> is off), or another process is training another configuration in it.</exception>
    public static StartedRun? Begin(RunnerOptions options, string experiment, RunSpec run)
    {
        var identity = RunIdentity.Of(run);
        var folder = new RunFolder(Path.Combine(options.ResultsRoot, experiment, run.Id));
        try
        {
            if (!folder.TryLock(identity))
            {
                RunIdentityGuard.LeaveToHolder(folder.Path, run, identity, options.Log);
                folder.Dispose();
                return null;
            }
            if (!RunIdentityGuard.ShouldTrain(folder, run, identity, options.RerunChanged, options.Log))
            {
                folder.Dispose();
                return null;
            }
            StaleTempFiles.Remove(folder.Path, within: options.ResultsRoot);
            var environment = RunEnvironment.Capture(run.Definition.Training.Seed, ComputeThreads.Count);
            folder.WriteConfig(run.ResolvedJson);
            identity.Write(folder.Path);
            folder.WriteJson("environment.json", environment);
            return new StartedRun(folder, environment);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }
}

/// <summary>A run whose folder is locked and holds its configuration, identity and environment; disposing releases the lock.</summary>
internal sealed record StartedRun(RunFolder Folder, RunEnvironment Environment) : IDisposable
{
    public void Dispose() => Folder.Dispose();
}
