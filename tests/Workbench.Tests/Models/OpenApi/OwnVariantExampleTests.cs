using System.Text.RegularExpressions;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.Priors;
using Workbench.Notebooks;
using Workbench.Tensors;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Models.OpenApi;

/// <summary>
/// The example of docs/your-own-variant.md ("Adding your own variant"), compiled and run here exactly as printed
/// there: a test compares the page's code block with the marked lines of this file.
/// </summary>
[Collection("LabRunLoggingTests")] // Lab's results root is process-wide
public class OwnVariantExampleTests
{
    // docs: begin
    // p(z) = Π_d ½ exp(−|z_d|): a Laplace prior, heavier-tailed than N(0, I). Its KL has no closed form,
    // so the model estimates it by Monte Carlo.
    sealed class LaplacePrior(int latent) : Prior
    {
        public override Tensor LogDensity(Tensor z) => z.Abs().Sum(1) * -1f - latent * MathF.Log(2);   // (N, L) → (N), nats
        public override Tensor Sample(int count, Rng rng)                                               // inverse CDF
        {
            var u = Tensor.Uniform(rng, -0.5f, 0.5f, count, latent).ToArray();
            return Tensor.FromArray(u.Select(v => -MathF.Sign(v) * MathF.Log(1 - 2 * MathF.Abs(v))).ToArray(), count, latent);
        }
    }
    // docs: end

    [Fact]
    public void Example_TrainsALaplacePriorVaeAndMeasuresItsBound()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("own-variant-example", dir.Path);
        // docs: begin
        var shipped = new VaeConfig { HiddenSizes = [400], LatentSize = 20 }.Build(new Rng(1));   // the shipped encoder and decoder …
        var model = new VariationalAutoencoder(shipped.Encoder, shipped.Decoder, latentSize: 20, prior: new LaplacePrior(20)); // … your prior
        var (train, test) = Lab.LoadFashionMnistSubset();
        var run = Lab.Train(model, new TrainingOptions { Epochs = 10 }, train, test, name: "laplace-prior"); // logged to results/
        var bound = ImportanceWeightedBound.Evaluate(run.Model, test, samples: 1000);
        Console.WriteLine($"test −L_1000 = {bound.NegativeLogLikelihoodBound:F2} nats, −ELBO = {run.Test!.NegativeElbo:F2}");
        // docs: end

        Assert.True(File.Exists(Path.Combine(dir.Path, "own-variant-example", "laplace-prior", "summary.json")));
        Assert.False(run.Model.Forward(test.Batch([0, 1]).Images, new Rng(2)).KlIsAnalytic);
        Assert.InRange(bound.NegativeLogLikelihoodBound, 200, run.Test.NegativeElbo); // a valid bound, tighter than the ELBO
    }

    [Fact]
    public void DocsPage_AddingYourOwnVariant_ShowsExactlyTheCodeThisTestRuns()
    {
        var section = DocsPage.Section("your-own-variant.md", "Adding your own variant");
        var block = Regex.Match(section, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var printed = Normalise(block.Split('\n').Where(l => !l.StartsWith("using ", StringComparison.Ordinal)));

        var source = File.ReadAllLines(Path.Combine(Repository.Root(), "tests", "Workbench.Tests", "Models", "OpenApi", "OwnVariantExampleTests.cs"));
        var marked = new List<string>();
        bool inside = false;
        foreach (var line in source)
        {
            if (line.Trim() == "// docs: begin") { inside = true; continue; }
            if (line.Trim() == "// docs: end") { inside = false; marked.Add(""); continue; }
            if (inside) marked.Add(line.Trim());
        }
        Assert.Equal(Normalise(marked), printed);
    }

    private static string Normalise(IEnumerable<string> lines) =>
        string.Join("\n", lines.Select(l => l.Trim()).Where(l => l.Length > 0));
}
