namespace Workbench.Experiments.Definitions;

/// <summary>An experiment file that cannot be used, with the file, the field and the problem.</summary>
public sealed class ExperimentFileException(string path, string? field, string problem)
    : Exception(field is null ? $"{path}: {problem}" : $"{path}: {field}: {problem}")
{
    public string FilePath { get; } = path;
    public string? Field { get; } = field;
    public string Problem { get; } = problem;
}
