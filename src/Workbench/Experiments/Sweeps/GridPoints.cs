using Workbench.Experiments.Definitions;

namespace Workbench.Experiments.Sweeps;

/// <summary>
/// The grid points of an experiment by index, in the order <see cref="ExperimentLoader.Expand(string)"/> lists them
/// (the first grid field varies slowest). A point's index is what <c>workbench run --point</c> takes and what
/// a Slurm array task id is.
/// </summary>
public static class GridPoints
{
    /// <summary>The run of grid point <paramref name="index"/>; an <see cref="ArgumentException"/> names the valid range otherwise.</summary>
    public static RunSpec Select(string experimentFile, IReadOnlyList<RunSpec> runs, int index)
    {
        if (index < 0 || index >= runs.Count)
            throw new ArgumentException($"--point {index}: {experimentFile} has {runs.Count} grid point(s), numbered 0 to {runs.Count - 1}.");
        return runs[index];
    }

    /// <summary>The folder of <paramref name="run"/>: <c>&lt;results&gt;/&lt;experiment&gt;/&lt;run id&gt;</c>, absolute.</summary>
    public static string FolderOf(string resultsRoot, string experiment, RunSpec run) =>
        Path.GetFullPath(Path.Combine(resultsRoot, experiment, run.Id));

    /// <summary>Indices as Slurm's <c>--array</c> list: ranges where consecutive (<c>0-3,5,7-8</c>).</summary>
    public static string ArrayList(IReadOnlyList<int> indices)
    {
        var parts = new List<string>();
        for (int i = 0; i < indices.Count;)
        {
            int j = i;
            while (j + 1 < indices.Count && indices[j + 1] == indices[j] + 1) j++;
            parts.Add(j == i ? $"{indices[i]}" : $"{indices[i]}-{indices[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }
}
