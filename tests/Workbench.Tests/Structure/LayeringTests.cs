using System.Text.RegularExpressions;
using Workbench.Tests.Structure.LayeringFixture.Low;
using Xunit.Abstractions;

namespace Workbench.Tests.Structure;

/// <summary>
/// Dependencies point one way (Display, the notebook-formatting convention, sits under everything): Kernels → Tensors → NN/Optim/IO → Models/Data → Evaluation/Interchange → Training
/// → Experiments/Plotting → Notebooks. Each library folder may use only the folders listed for it; inside Experiments, the folders are ordered too (<see cref="ExperimentsAllowed"/>).
/// </summary>
/// <remarks>
/// The check reads the compiled Workbench.dll (<see cref="LayerReferences"/>), not the source text, so no way of naming a type
/// escapes it; a layer is the first namespace segment after <c>Workbench</c> (Workbench.Models.Kl is in Models).
/// </remarks>
public class LayeringTests(ITestOutputHelper output)
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
        ["Models"] = ["Display", "Tensors", "NN", "Optim"], // Optim: a model that runs its own training step (ICustomTrainingStep) makes its optimizers
        ["Evaluation"] = ["Display", "Models", "Data", "Optim", "Tensors", "NN"],
        ["Interchange"] = ["Display", "Models", "IO", "Tensors", "NN"], // a trained model written in other frameworks' formats (ONNX)
        ["Training"] = ["Display", "Evaluation", "Models", "Data", "Optim", "IO", "Tensors", "NN"],
        ["Experiments"] = ["Display", "Training", "Evaluation", "Models", "Data", "Optim", "IO", "Tensors", "NN", "Plotting"],
        ["Notebooks"] = ["Display", "Experiments", "Training", "Evaluation", "Models", "Data", "Optim", "IO", "Tensors", "NN", "Plotting"],
    };

    /// <summary>
    /// Allowed uses the library does not make today, each with the reason it stays allowed. Every other entry of
    /// <see cref="Allowed"/> must be seen in the compiled code at least once, and none of these may be, so the table
    /// describes the code rather than a wish and an analysis that read nothing, or the wrong assembly, fails.
    /// </summary>
    private static readonly Dictionary<(string Layer, string Uses), string> AllowedButUnused = new()
    {
        [("Tensors", "Display")] = DisplayUnderEverything,
        [("NN", "Display")] = DisplayUnderEverything,
        [("Optim", "Display")] = DisplayUnderEverything,
        [("IO", "Display")] = DisplayUnderEverything,
        [("Data", "Display")] = DisplayUnderEverything,
        [("Models", "Display")] = DisplayUnderEverything,
        [("Interchange", "Display")] = DisplayUnderEverything,
        [("NN", "Kernels")] = "modules are composed from Tensor operations; a fused kernel for a layer may call Kernels directly",
    };

    private const string DisplayUnderEverything =
        "Display sits under every layer so any type can carry a notebook view; this layer has no displayable type yet";

    private static readonly Lazy<LayerGraph> Library =
        new(() => LayerReferences.Read(typeof(Workbench.Tensors.Tensor).Assembly.Location, "Workbench"));

    [Fact]
    public void LibraryLayers_UseOnlyTheLayersAllowedForThem()
    {
        var violations = Violations(Library.Value, Allowed);
        Assert.True(violations.Count == 0, "Dependencies against the layering (type → used type (its layer)):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void LibraryLayers_EachUseEveryLayerTheyAreExpectedToUse()
    {
        var seen = Library.Value.References.CountBy(reference => (reference.FromLayer, reference.ToLayer)).ToDictionary();
        foreach (var ((layer, uses), count) in seen.OrderBy(pair => pair.Key))
            output.WriteLine($"{layer} → {uses}: {count} type-to-type references");

        var allowed = Allowed.SelectMany(rule => rule.Value.Select(uses => (Layer: rule.Key, Uses: uses))).ToList();
        Assert.All(AllowedButUnused.Keys, pair => Assert.Contains(pair, allowed));
        var expected = allowed.Except(AllowedButUnused.Keys).ToList();
        Assert.NotEmpty(expected);

        var unseen = expected.Where(pair => !seen.ContainsKey(pair)).Select(pair => $"{pair.Layer} → {pair.Uses}").ToList();
        Assert.True(unseen.Count == 0,
            $"Allowed dependencies never seen in {typeof(Workbench.Tensors.Tensor).Assembly.Location}; either the analysis missed them or the " +
            $"code stopped using them (then list them in {nameof(AllowedButUnused)}, saying why):\n" + string.Join("\n", unseen));
        var nowUsed = AllowedButUnused.Keys.Where(seen.ContainsKey).Select(pair => $"{pair.Layer} → {pair.Uses}").ToList();
        Assert.True(nowUsed.Count == 0, $"Dependencies listed in {nameof(AllowedButUnused)} that the code now uses; remove them from that list:\n" + string.Join("\n", nowUsed));
    }

    [Fact]
    public void LibraryNamespaces_EachHaveAPlaceInTheLayering()
    {
        var layers = Library.Value.TypesByLayer;
        Assert.False(layers.ContainsKey(""),
            "Types in the root namespace Workbench belong to no layer; move them into a folder: " + string.Join(", ", layers.GetValueOrDefault("") ?? []));
        var unplaced = layers.Keys.Where(layer => !Allowed.ContainsKey(layer)).Select(layer => $"Workbench.{layer}: {string.Join(", ", layers[layer].Take(3))}");
        Assert.True(!unplaced.Any(), $"Namespaces with no place in the layering; add them to {nameof(LayeringTests)}.{nameof(Allowed)}:\n" + string.Join("\n", unplaced));
        var empty = Allowed.Keys.Where(layer => !layers.ContainsKey(layer)).ToList();
        Assert.True(empty.Count == 0, "Layers in the table with no type in Workbench.dll: " + string.Join(", ", empty));
    }

    /// <summary>
    /// Inside Experiments, a folder per concept, each its own namespace Workbench.Experiments.&lt;Folder&gt;, dependencies pointing one way:
    /// Composed (a model composed in code) → Definitions (the experiment file) → SampleQuality (the measure) → RunFolders (what a run
    /// folder holds) → Figures (a run's pictures and figures) → Running (training and measuring a run) → Slurm, Sweeps, Reports.
    /// Each folder may use only the folders listed for it, and uses each of them.
    /// </summary>
    private static readonly Dictionary<string, string[]> ExperimentsAllowed = new()
    {
        ["Composed"] = [],
        ["Definitions"] = ["Composed"],
        ["SampleQuality"] = ["Definitions"],
        ["RunFolders"] = ["Composed", "Definitions", "SampleQuality"],
        ["Figures"] = ["Definitions", "RunFolders"],
        ["Running"] = ["Composed", "Definitions", "SampleQuality", "RunFolders", "Figures"],
        ["Slurm"] = ["Definitions", "RunFolders"],
        ["Sweeps"] = ["Definitions", "RunFolders", "Figures", "Running", "Slurm"],
        ["Reports"] = ["Definitions", "SampleQuality", "RunFolders", "Figures", "Running"],
    };

    /// <summary>Allowed uses between Experiments folders that the compiled code does not show, each with the reason it stays allowed.</summary>
    private static readonly Dictionary<(string Folder, string Uses), string> ExperimentsAllowedButUnused = new()
    {
        [("Slurm", "RunFolders")] = "the job script writes run.log with RunLog's constants, which the compiler copies into the script's code",
    };

    private static readonly Lazy<LayerGraph> Experiments =
        new(() => LayerReferences.Read(typeof(Workbench.Tensors.Tensor).Assembly.Location, "Workbench.Experiments"));

    [Fact]
    public void ExperimentsFolders_UseOnlyTheFoldersAllowedForThem()
    {
        var violations = Violations(Experiments.Value, ExperimentsAllowed);
        Assert.True(violations.Count == 0, "Dependencies against the order of the Experiments folders (type → used type (its folder)):\n" + string.Join("\n", violations));

        // The compiled code does not show what only the source names (constants, doc references): its using directives are held to the same table.
        var experiments = Path.Combine(RepositoryRoot(), "src", "Workbench", "Experiments");
        var usings = Directory.EnumerateFiles(experiments, "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(experiments, file))
            .SelectMany(file => File.ReadLines(Path.Combine(experiments, file))
                .Select(line => Regex.Match(line, @"^using Workbench\.Experiments\.(\w+)"))
                .Where(match => match.Success && !(ExperimentsAllowed.GetValueOrDefault(file.Split(Path.DirectorySeparatorChar)[0]) ?? []).Contains(match.Groups[1].Value))
                .Select(match => $"{file}: {match.Value}"))
            .ToList();
        Assert.True(usings.Count == 0, "Using directives against the order of the Experiments folders:\n" + string.Join("\n", usings));
    }

    [Fact]
    public void ExperimentsFolders_EachUseEveryFolderTheyAreExpectedToUse()
    {
        var seen = Experiments.Value.References.CountBy(reference => (reference.FromLayer, reference.ToLayer)).ToDictionary();
        foreach (var ((folder, uses), count) in seen.OrderBy(pair => pair.Key))
            output.WriteLine($"Experiments.{folder} → Experiments.{uses}: {count} type-to-type references");
        var allowed = ExperimentsAllowed.SelectMany(rule => rule.Value.Select(uses => (Folder: rule.Key, Uses: uses))).ToList();
        Assert.All(ExperimentsAllowedButUnused.Keys, pair => Assert.Contains(pair, allowed));
        var unseen = allowed.Except(ExperimentsAllowedButUnused.Keys).Where(pair => !seen.ContainsKey(pair)).Select(pair => $"{pair.Folder} → {pair.Uses}").ToList();
        Assert.True(unseen.Count == 0, $"Allowed dependencies between Experiments folders never seen; remove them from {nameof(ExperimentsAllowed)} " +
            $"or list them in {nameof(ExperimentsAllowedButUnused)}, saying why:\n" + string.Join("\n", unseen));
        var nowUsed = ExperimentsAllowedButUnused.Keys.Where(seen.ContainsKey).Select(pair => $"{pair.Folder} → {pair.Uses}").ToList();
        Assert.True(nowUsed.Count == 0, $"Dependencies listed in {nameof(ExperimentsAllowedButUnused)} that the code now uses; remove them from that list:\n" + string.Join("\n", nowUsed));
    }

    [Fact]
    public void ExperimentsFolders_EachHoldTheirTypesInTheirOwnNamespace()
    {
        var folders = Experiments.Value.TypesByLayer;
        Assert.False(folders.ContainsKey(""),
            "Types in the namespace Workbench.Experiments itself belong to no folder; move them into one: " + string.Join(", ", folders.GetValueOrDefault("") ?? []));
        var unplaced = folders.Keys.Where(folder => !ExperimentsAllowed.ContainsKey(folder)).Select(folder => $"Workbench.Experiments.{folder}: {string.Join(", ", folders[folder].Take(3))}");
        Assert.True(!unplaced.Any(), $"Namespaces with no place in the order of the Experiments folders; add them to {nameof(LayeringTests)}.{nameof(ExperimentsAllowed)}:\n" + string.Join("\n", unplaced));
        var empty = ExperimentsAllowed.Keys.Where(folder => !folders.ContainsKey(folder)).ToList();
        Assert.True(empty.Count == 0, "Folders in the table with no type in Workbench.dll: " + string.Join(", ", empty));

        var experiments = Path.Combine(RepositoryRoot(), "src", "Workbench", "Experiments");
        var misplaced = Directory.EnumerateFiles(experiments, "*.cs", SearchOption.AllDirectories)
            .Select(file => (File: Path.GetRelativePath(experiments, file), Expected: "namespace Workbench.Experiments." + Path.GetRelativePath(experiments, file).Split(Path.DirectorySeparatorChar)[0] + ";"))
            .Where(pair => !File.ReadLines(Path.Combine(experiments, pair.File)).Contains(pair.Expected))
            .Select(pair => $"{pair.File}: expected '{pair.Expected}'").ToList();
        Assert.True(misplaced.Count == 0, "Files of src/Workbench/Experiments whose namespace is not their folder's:\n" + string.Join("\n", misplaced));
    }

    /// <summary>The table itself points one way: no folder may, through the folders it uses, come to use itself.</summary>
    [Fact]
    public void ExperimentsAllowed_HasNoCycle()
    {
        var cycles = ExperimentsAllowed.Keys.Where(folder => Reachable(folder).Contains(folder)).ToList();
        Assert.True(cycles.Count == 0, "Experiments folders that may use themselves through others: " + string.Join(", ", cycles));

        static HashSet<string> Reachable(string start)
        {
            var reached = new HashSet<string>();
            var pending = new Stack<string>(ExperimentsAllowed[start]);
            while (pending.TryPop(out var folder))
                if (reached.Add(folder))
                    foreach (var next in ExperimentsAllowed.GetValueOrDefault(folder) ?? []) pending.Push(next);
            return reached;
        }
    }

    /// <summary>src/Workbench/Experiments/README.md lists every folder once, each below the folders it may use.</summary>
    [Fact]
    public void ExperimentsReadme_ListsEveryFolderBelowTheFoldersItUses()
    {
        var readme = Path.Combine(RepositoryRoot(), "src", "Workbench", "Experiments", "README.md");
        var listed = File.ReadLines(readme).Select(line => Regex.Match(line, @"^\| `(\w+)/` \|")).Where(match => match.Success).Select(match => match.Groups[1].Value).ToList();
        Assert.Equal(ExperimentsAllowed.Keys.Order(), listed.Order());
        var below = ExperimentsAllowed.SelectMany(rule => rule.Value.Where(uses => listed.IndexOf(uses) > listed.IndexOf(rule.Key)).Select(uses => $"{rule.Key} uses {uses}")).ToList();
        Assert.True(below.Count == 0, $"{readme} lists a folder above one it uses:\n" + string.Join("\n", below));
    }

    /// <summary>The same analysis on the namespace Workbench.Tests.Structure.LayeringFixture, a miniature where Low may use nothing and High may use Low.</summary>
    [Fact]
    public void Checker_OnALowLayerUsingAHigherOne_ReportsEachWayOfUsingIt()
    {
        var fixture = LayerReferences.Read(typeof(LayeringTests).Assembly.Location, "Workbench.Tests.Structure.LayeringFixture");
        var violations = Violations(fixture, new() { ["Low"] = [], ["High"] = ["Low"] });

        string[] offenders =
        [
            nameof(BaseTypeUser), nameof(InterfaceUser), nameof(FieldUser), nameof(SignatureUser), "ConstraintUser`1", nameof(AttributeUser),
            nameof(AttributeArgumentUser), nameof(GenericArgumentUser), nameof(CallUser), nameof(StaticUsingUser), nameof(FieldTokenUser),
            nameof(TypeTokenUser), nameof(CastUser), nameof(LambdaUser), nameof(ClosureUser), nameof(AsyncUser), nameof(IteratorUser),
        ];
        var reported = violations.Select(violation => violation.Split(' ')[0].Split('.')[^1]).Distinct().Order().ToList();
        Assert.Equal(offenders.Order(), reported);
        Assert.Contains($"{typeof(StaticUsingUser).FullName} → {typeof(LayeringFixture.High.HighMath).FullName} (High)", violations);
        Assert.Contains(typeof(Clean).FullName!, fixture.TypesByLayer["Low"]);
    }

    /// <summary>Each reference from a layer to a layer not allowed for it, as <c>Type → UsedType (its layer)</c>.</summary>
    private static List<string> Violations(LayerGraph graph, Dictionary<string, string[]> allowed) =>
        graph.References
            .Where(reference => !(allowed.TryGetValue(reference.FromLayer, out var uses) && uses.Contains(reference.ToLayer)))
            .Select(reference => $"{reference.FromType} → {reference.ToType} ({(reference.ToLayer == "" ? "root namespace" : reference.ToLayer)})")
            .ToList();

    internal static string RepositoryRoot() => Support.Repository.Root();
}
