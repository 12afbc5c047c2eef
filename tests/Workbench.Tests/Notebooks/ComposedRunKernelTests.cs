using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// A model composed in a notebook cell, in the real .NET Interactive kernel: its class compiled again (a cell
/// executed again is a new submission) is the same model and reuses the run; another scale is another model.
/// </summary>
public sealed class ComposedRunKernelTests
{
    private const string PriorCell = """
        // p(z) = N(0, scale² I); the printout does not show the scale.
        sealed class ScaledPrior(int latent, float scale) : Prior
        {
            private readonly float _scale = scale;
            public override Tensor LogDensity(Tensor z) => (z / _scale).Square().Sum(1) * -0.5f - latent * (MathF.Log(_scale) + 0.9189385f);
            public override Tensor Sample(int count, Rng rng) => Tensor.Randn(rng, count, latent) * _scale;
        }
        VariationalAutoencoder Build(float scale)
        {
            var shipped = new VaeConfig { HiddenSizes = [16], LatentSize = 2 }.Build(new Rng(1));
            return new VariationalAutoencoder(shipped.Encoder, shipped.Decoder, latentSize: 2, prior: new ScaledPrior(2, scale));
        }
        """;

    [Fact]
    public async Task Train_ComposedInACell_ReusesTheSameModelCompiledAgainAndRetrainsAnotherScale()
    {
        using var folder = new TempFolder();
        var library = typeof(Lab).Assembly.Location;
        const string train = "Lab.Train(Build(SCALE), new TrainingOptions { Epochs = 1, BatchSize = 50, Seed = 1 }, train, test, name: \"scaled\"); // CELL";
        var builder = new NotebookBuilder()
            .Code($"#r \"{library}\"\nusing Workbench.Models;\nusing Workbench.Models.Priors;\nusing Workbench.Notebooks;\nusing Workbench.Tensors;\nusing Workbench.Training;\n" +
                  $"Lab.LogRunsTo(\"kernel-composed\", @\"{folder.File("results")}\");\nvar (train, test) = Lab.LoadFashionMnistSubset(100, 50);")
            .Code(PriorCell)
            .Code(train.Replace("SCALE", "1f").Replace("CELL", "first"))
            .Code(PriorCell) // the same cell executed again
            .Code(train.Replace("SCALE", "1f").Replace("CELL", "again"))
            .Code(train.Replace("SCALE", "2f").Replace("CELL", "scale changed"));

        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.True(result.Succeeded, result.Failure);
        var executed = new ExecutedNotebook(result.Notebook);
        Assert.Contains("scaled: reusing the run finished earlier", executed.Stdout("// again"));
        var changed = executed.Stdout("// scale changed");
        Assert.DoesNotContain("reusing", changed);
        Assert.Contains("model.parts.prior.settings._scale: 1 → 2", changed);
    }
}
