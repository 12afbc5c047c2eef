namespace Workbench.Experiments.RunFolders;

/// <summary>
/// Finds run folders whose recorded configuration differs from the one requested and words the refusal:
/// which fields changed, and the two ways forward.
/// </summary>
internal static class RunDrift
{
    /// <summary>
    /// The changed fields of the run in <paramref name="runFolder"/> (recorded → requested), or null when
    /// the folder records no run or the same one. An unreadable record counts as a change.
    /// </summary>
    public static IReadOnlyList<string>? Find(string runFolder, RunIdentity requested)
    {
        RunIdentity? stored;
        try
        {
            stored = RunIdentity.Read(runFolder);
        }
        catch (InvalidDataException e)
        {
            return [$"the recorded configuration is unreadable: {e.Message}"];
        }
        return stored is null || stored.SameRunAs(requested) ? null : stored.Differences(requested);
    }

    /// <summary>"finished" or "interrupted", for messages.</summary>
    public static string State(string runFolder) => File.Exists(Path.Combine(runFolder, RunFolder.SummaryFile)) ? "finished" : "interrupted";

    public static RunConfigurationChangedException Refusal(IReadOnlyList<(string Folder, IReadOnlyList<string> Differences)> changed) => new(
        string.Join("\n", changed.Select(c =>
            $"{c.Folder} holds a {State(c.Folder)} run trained with another configuration than this experiment now gives (recorded → requested):\n" +
            string.Join("\n", c.Differences.Select(line => "  " + line)))) + "\n" +
        "Either write to a new results folder (workbench run --results <folder>, workbench train --output <folder>), " +
        $"or pass --rerun-changed to move the stale {(changed.Count == 1 ? "run" : "runs")} aside and train {(changed.Count == 1 ? "it" : "them")} again.");
}
