using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Notebooks;
using Workbench.Tests.Notebooks;
using Workbench.Tests.Support;

namespace Workbench.Tests.Packaging;

/// <summary>
/// The package as a researcher uses it: a notebook in a folder of its own, outside the repository, adds the folder
/// feed and references Workbench at its version, then runs the package readme's example (a β-VAE trained, logged as a
/// run and plotted) in the real .NET Interactive kernel. The kernel restores into a packages folder of this test's own,
/// so no copy of the package left in NuGet's global packages folder can stand in for the one just packed.
/// </summary>
public sealed partial class PackageNotebookTests
{
    /// <summary>The package readme, whose ```csharp blocks are the notebook's cells.</summary>
    public static string ReadmePath => Path.Combine(Repository.Root(), "src", "Workbench", "Package", "README.md");

    [Fact]
    public async Task Notebook_OutsideTheRepository_TrainsLogsAndPlotsABetaVaeFromThePackage()
    {
        var package = PackageFeed.EnsurePacked();
        using var folder = new TempFolder();
        Assert.False(folder.Path.StartsWith(Repository.Root(), StringComparison.Ordinal), "the notebook's folder is outside the repository");
        var packages = folder.File("nuget-packages");
        var notebook = Notebook(PackageFeed.Folder, PackageFeed.Version).Save(folder.File("beta-vae.ipynb"));
        var runner = new NotebookRunner
        {
            CellTimeout = TimeSpan.FromMinutes(5),
            HostEnvironment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = packages },
        };

        var result = await runner.RunFileAsync(notebook, folder.File("beta-vae.executed.ipynb"));

        var errors = result.Notebook.Cells.SelectMany(c => c.Outputs).Where(o => o.OutputType() == "error")
            .Select(o => $"{o["ename"]}: {o["evalue"]}").ToList();
        Assert.True(result.Succeeded, $"{result.Failure}; {string.Join("; ", errors)}");
        Assert.Empty(errors);
        var executed = new ExecutedNotebook(result.Notebook);
        var check = executed.Stdout("// check").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // The library the kernel loaded is the package's, restored into this test's packages folder, byte for byte.
        var loaded = check[0];
        var expected = Path.Combine(packages, "workbench", PackageFeed.Version.ToLowerInvariant(), "lib", "net10.0", "Workbench.dll");
        Assert.Equal(Path.GetFullPath(expected), Path.GetFullPath(loaded));
        Assert.Equal(SHA256.HashData(PackageFeed.EntryBytes(package, "lib/net10.0/Workbench.dll")), SHA256.HashData(File.ReadAllBytes(loaded)));

        // Logged: a run folder under the results folder the notebook chose, with its summary written last.
        var run = check[1];
        Assert.Equal(Path.Combine(folder.Path, "results", "my-first-vae"), Path.GetDirectoryName(run));
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!;
        Assert.Equal("beta-vae", summary["variant"]!.GetValue<string>());
        Assert.Equal(4.0, summary["beta"]!.GetValue<double>());
        Assert.Equal(5, summary["epochs"]!.GetValue<int>());
        var loss = summary["testNegativeElbo"]!.GetValue<double>();
        // Sane: far under the 543 nats (784·ln 2) of a model that has learnt nothing (about 275 at these settings).
        Assert.InRange(loss, 200, 350);
        foreach (var file in new[] { "config.json", "metrics.csv", "model.safetensors", Path.Combine("images", "samples.png") })
            Assert.True(File.Exists(Path.Combine(run, file)), $"the run folder has no {file}");

        // Plotted: the live view ends as the run's summary with its training curves (one point per epoch), the latent
        // scatter draws the 1,000 test images in ten classes, the samples are a picture.
        var training = executed.Html("var run = Lab.Train(");
        Assert.Matches(@": trained 5 epochs; test −ELBO \d+\.\d\d", training);
        Assert.All(Assert.Single(executed.Figures("var run = Lab.Train(")), trace => Assert.Equal(5, trace!["x"]!.AsArray().Count));
        var scatter = Assert.Single(executed.Figures("Lab.LatentScatter(run, test)"));
        Assert.Equal(10, scatter.Count);
        Assert.Equal(1000, scatter.Sum(trace => trace!["x"]!.AsArray().Count));
        Assert.Contains("<img src=\"data:image/png;base64,", executed.Html("Lab.Samples(run, 32)"));
        Assert.Contains("checks the package", executed.Markdown);
        NbformatValidator.AssertValid(folder.File("beta-vae.executed.ipynb"));
    }

    /// <summary>
    /// The notebook: a markdown cell saying what it is for, the readme's C# blocks as cells (its two directive lines
    /// pointed at <paramref name="feed"/> and <paramref name="version"/>), and a last cell printing where the library
    /// was loaded from and the run's folder.
    /// </summary>
    public static NotebookBuilder Notebook(string feed, string version)
    {
        var blocks = CSharpBlocks(File.ReadAllText(ReadmePath));
        Assert.True(blocks.Count >= 3, "the package readme has the directives, a training cell and a plotting cell");
        var builder = new NotebookBuilder().Markdown(
            "# A β-VAE from the Workbench package\n\n" +
            "This notebook checks the package, not the model: it references Workbench from a folder feed, trains a small " +
            "β-VAE for 5 epochs on the bundled Fashion-MNIST subset (5,000 images), logs it as a run under `results/` " +
            "beside this notebook and plots it. Its cells are the package readme's example.");
        builder.Code(Directive().Replace(blocks[0], m => m.Groups[1].Value == "#i" ? $"#i \"nuget: {feed}\"" : $"#r \"nuget: Workbench, {version}\""));
        foreach (var block in blocks.Skip(1)) builder.Code(block);
        return builder.Code("// check\nConsole.WriteLine(typeof(Lab).Assembly.Location);\nConsole.WriteLine(run.Folder);");
    }

    /// <summary>The bodies of the ```csharp fences of a Markdown text, in order.</summary>
    public static List<string> CSharpBlocks(string markdown) =>
        CSharpFence().Matches(markdown.ReplaceLineEndings("\n")).Select(m => m.Groups[1].Value.TrimEnd()).ToList();

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpFence();

    [GeneratedRegex(@"^(#i|#r) ""nuget: [^""]*""", RegexOptions.Multiline)]
    private static partial Regex Directive();
}
