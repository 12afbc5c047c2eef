using System.Text.RegularExpressions;

namespace Workbench.Tests.Structure;

/// <summary>
/// Dependencies point one way (Display, the notebook-formatting convention, sits under everything): Kernels → Tensors → NN/Optim/IO → Models/Data → Evaluation → Training
/// → Experiments/Plotting → Notebooks. Each library folder may use only the folders listed for it.
/// </summary>
public partial class LayeringTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Display"] = [],
        ["Kernels"] = [],
        ["Tensors"] = ["Display", "Kernels"],
        ["NN"] = ["Display", "Tensors", "Kernels"],
        ["Optim"] = ["Display", "Tensors", "Kernels"],
        ["IO"] = ["Display", "Tensors", "NN"],
        ["Data"] = ["Display", "Tensors", "IO"],
        ["Plotting"] = ["Display", "IO"],
        ["Models"] = ["Display", "Tensors", "NN"],
        ["Evaluation"] = ["Display", "Models", "Data", "Optim", "Tensors", "NN"],
        ["Training"] = ["Display", "Evaluation", "Models", "Data", "Optim", "IO", "Tensors", "NN"],
        ["Experiments"] = ["Display", "Training", "Evaluation", "Models", "Data", "Optim", "IO", "Tensors", "NN", "Plotting"],
        ["Notebooks"] = ["Display", "Experiments", "Training", "Evaluation", "Models", "Data", "Optim", "IO", "Tensors", "NN", "Plotting"],
    };

    [GeneratedRegex(@"\bWorkbench\.(\w+)")]
    private static partial Regex NamespaceReference();

    [Fact]
    public void LibraryFolders_UseOnlyLowerLayers()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "Workbench");
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (relative.StartsWith("obj") || relative.StartsWith("bin") || !relative.Contains(Path.DirectorySeparatorChar)) continue;
            var layer = relative.Split(Path.DirectorySeparatorChar)[0];
            Assert.True(Allowed.ContainsKey(layer), $"{relative}: folder '{layer}' has no place in the layering; add it to {nameof(LayeringTests)}.");
            foreach (Match match in NamespaceReference().Matches(File.ReadAllText(file)))
            {
                var used = match.Groups[1].Value;
                if (used != layer && Allowed.ContainsKey(used) && !Allowed[layer].Contains(used))
                    violations.Add($"{relative} uses Workbench.{used}");
            }
        }
        Assert.True(violations.Count == 0, "Dependencies against the layering:\n" + string.Join("\n", violations.Distinct()));
    }

    internal static string RepositoryRoot() => Support.Repository.Root();
}
