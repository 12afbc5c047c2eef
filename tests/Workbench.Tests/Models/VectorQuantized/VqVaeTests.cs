using System.Text.Json;
using Workbench.Data;
using Workbench.Models;
using Workbench.Models.VectorQuantized;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Models.VectorQuantized;

/// <summary>The VQ-VAE's parts against brute force and finite differences, the PixelCNN's causality and sampling, and training by seed.</summary>
public class VqVaeTests
{
    private static VqVaeConfig Tiny(bool ema = true, bool restart = false) => new()
    {
        ImageHeight = 8, ImageWidth = 8, ConvChannels = [3, 4], CodeSize = 3, Codes = 6, Ema = ema, RestartDeadCodes = restart,
        PriorChannels = 4, PriorLayers = 1, PriorEpochs = 2, PriorBatchSize = 8,
    };

    [Fact]
    public void Nearest_RandomVectorsAndCodes_IsTheBruteForceNearestCode()
    {
        var codebook = new Codebook(17, 5, new Rng(2), ema: false);
        Tensor.Randn(new Rng(3), 17, 5).Span.CopyTo(codebook.Embedding.Span);
        var vectors = Tensor.Randn(new Rng(4), 300, 5);
        var codes = codebook.Nearest(vectors);
        var e = codebook.Embedding.ToArray();
        var z = vectors.ToArray();
        for (int n = 0; n < 300; n++)
        {
            int best = 0;
            double bestDistance = double.PositiveInfinity;
            for (int k = 0; k < 17; k++)
            {
                double distance = 0;
                for (int d = 0; d < 5; d++) distance += Math.Pow(z[n * 5 + d] - e[k * 5 + d], 2);
                if (distance < bestDistance) (best, bestDistance) = (k, distance);
            }
            Assert.Equal(best, codes[n]);
        }
        Assert.True(codes.Distinct().Count() > 10, "the test vectors should reach many codes");
    }

    [Fact]
    public void PixelCnn_LogitsAtEachPosition_DependOnlyOnEarlierCodes()
    {
        const int side = 5, codes = 4, positions = side * side;
        var pixelCnn = new PixelCnn(codes, 6, 3, new Rng(5));
        var rng = new Rng(6);
        var grid = Enumerable.Range(0, positions).Select(_ => rng.NextInt(codes)).ToArray();
        var logits = pixelCnn.Forward(new TokenIds(grid, 1, side, side)).ToArray(); // (1, K, 5, 5)
        for (int i = 0; i < positions; i++)
        {
            var later = (int[])grid.Clone();
            for (int j = i; j < positions; j++) later[j] = (grid[j] + 1 + rng.NextInt(codes - 1)) % codes; // every code ≥ i changed
            var changed = pixelCnn.Forward(new TokenIds(later, 1, side, side)).ToArray();
            for (int k = 0; k < codes; k++) Assert.Equal(logits[k * positions + i], changed[k * positions + i]);
            if (i == 0) continue;
            // The test can fail the other way too: position i sees its left neighbour, or (first in its row) the one above.
            int seen = i % side != 0 ? i - 1 : i - side;
            var previous = (int[])grid.Clone();
            previous[seen] = (grid[seen] + 1) % codes;
            var moved = pixelCnn.Forward(new TokenIds(previous, 1, side, side)).ToArray();
            Assert.True(Enumerable.Range(0, codes).Any(k => moved[k * positions + i] != logits[k * positions + i]), $"position {i} should see position {seen}");
        }
    }

    [Fact]
    public void MaskValues_MaskAAndB_SeeOnlyRowsAboveAndTheLeftOfTheCentreRow()
    {
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0, 0], MaskedConv2d.MaskValues(3, ConvMask.A));
        Assert.Equal([1, 1, 1, 1, 1, 0, 0, 0, 0], MaskedConv2d.MaskValues(3, ConvMask.B));
    }

    [Fact]
    public void MaskedConv2d_Gradients_MatchFiniteDifferences()
    {
        var conv = new MaskedConv2d(2, 3, 3, ConvMask.B, new Rng(8));
        var x = Tensor.Randn(new Rng(9), 2, 2, 4, 4);
        GradCheck.AssertGradients(t => conv.Forward(t[0]), [x]);
        GradCheck.AssertGradients(_ => conv.Forward(x.Detach()), [conv.Weight, conv.Bias!]);
        var masked = conv.Weight.Grad!.ToArray();
        for (int i = 0; i < masked.Length; i++)
            if (MaskedConv2d.MaskValues(3, ConvMask.B)[i % 9] == 0) Assert.Equal(0f, masked[i]);
    }

    [Fact]
    public void PixelCnnLogProbability_Gradients_MatchFiniteDifferences()
    {
        var pixelCnn = new PixelCnn(4, 3, 1, new Rng(10));
        var codes = new TokenIds([0, 3, 1, 2, 2, 1, 0, 3, 1, 1, 2, 0, 3, 0, 2, 1, 3, 2], 2, 3, 3);
        GradCheck.AssertGradients(_ => pixelCnn.LogProbability(codes), [pixelCnn.Output.Weight, pixelCnn.Output.Bias!, pixelCnn.Embedding.Weight],
            step: 1e-3f, relativeTolerance: 3e-2, absoluteTolerance: 3e-3);
    }

    [Fact]
    public void PixelCnnLogProbability_EveryGrid_SumsToOneOverAllGrids()
    {
        var pixelCnn = new PixelCnn(3, 4, 2, new Rng(11));
        var grids = new int[81 * 4];                                  // all 3^4 grids of 2×2
        for (int g = 0; g < 81; g++)
            for (int p = 0, rest = g; p < 4; p++, rest /= 3) grids[g * 4 + p] = rest % 3;
        using var _ = GradMode.NoGrad();
        var logP = pixelCnn.LogProbability(new TokenIds(grids, 81, 2, 2)).ToArray();
        Assert.Equal(1.0, logP.Sum(v => Math.Exp(v)), 4);
    }

    [Fact]
    public void PixelCnnSample_SameSeed_SameCodesAndAnotherSeedOthers()
    {
        var pixelCnn = new PixelCnn(5, 4, 2, new Rng(12));
        var first = pixelCnn.Sample(20, 3, 3, new Rng(13));
        Assert.Equal(first, pixelCnn.Sample(20, 3, 3, new Rng(13)));
        Assert.NotEqual(first, pixelCnn.Sample(20, 3, 3, new Rng(14)));
    }

    [Fact]
    public void PixelCnnSample_ConstantLogits_DrawsCodesWithTheSoftmaxFrequencies()
    {
        var pixelCnn = new PixelCnn(3, 2, 0, new Rng(15));
        pixelCnn.Output.Weight.Span.Clear();
        float[] bias = [0f, 1f, 2f];
        bias.CopyTo(pixelCnn.Output.Bias!.Span);
        var codes = pixelCnn.Sample(3000, 2, 2, new Rng(16));
        double total = bias.Sum(b => Math.Exp(b));
        for (int k = 0; k < 3; k++)
            Assert.InRange(codes.Count(c => c == k) / (double)codes.Length - Math.Exp(bias[k]) / total, -0.016, 0.016); // 12,000 draws: σ ≤ 0.0043, so 4σ
    }

    [Fact]
    public void CommitmentTerm_GradientToTheEncoderOutput_MatchesFiniteDifferences()
    {
        var model = (VqVae)Tiny(ema: true).Build(new Rng(17));
        var ze = Tensor.Randn(new Rng(18), 2, model.LatentSize);
        var codes = model.Codebook.Nearest(ze.Reshape(2 * model.Positions, 3));
        GradCheck.AssertGradients(t =>
        {
            var posterior = new QuantizedPosterior(t[0], t[0], codes, model.Positions);
            return model.ObjectiveTerms(posterior, 0.25f, Tensor.Zeros(1).Sum());
        }, [ze]);
    }

    [Fact]
    public void Loss_GradientToTheDecoder_MatchesFiniteDifferences()
    {
        var model = (VqVae)Tiny(ema: false).Build(new Rng(19));
        model.Eval(); // no EMA step or usage count between the evaluations
        var x = Tensor.Uniform(new Rng(20), 0f, 1f, 3, 64);
        var decoderParameters = model.Decoder.Parameters().ToArray();
        GradCheck.AssertGradients(_ => model.Forward(x, Tensor.Zeros(3, model.LatentSize)).Loss, decoderParameters, step: 1e-3f, relativeTolerance: 3e-2, absoluteTolerance: 3e-3);
    }

    [Fact]
    public void Kl_UniformPriorThenFittedPixelCnn_IsPositionsTimesLogKThenTheCodeNll()
    {
        var model = (VqVae)Tiny().Build(new Rng(21));
        var x = Tensor.Uniform(new Rng(22), 0f, 1f, 3, 64);
        model.Eval();
        var before = model.Forward(x, Tensor.Zeros(3, model.LatentSize));
        Assert.Equal(4 * Math.Log(6), before.KlTerm.Item(), 4);                          // 2×2 grid, K = 6
        model.CodePrior.IsFitted = true;
        var after = model.Forward(x, Tensor.Zeros(3, model.LatentSize));
        var codes = ((QuantizedPosterior)after.Posterior).Codes;
        var expected = -model.CodePrior.PixelCnn.LogProbability(new TokenIds(codes, 3, 2, 2)).Mean().Item();
        Assert.Equal(expected, after.KlTerm.Item(), 4);
        Assert.Equal(expected, -model.Prior.LogDensity(after.Z).Mean().Item(), 4);       // the generic path, through the latents
    }

    private static ImageDataset Squares(int count, int seed)
    {
        var rng = new Rng((ulong)seed);
        var pixels = new float[count * 64];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.NextFloat();
        return new ImageDataset(pixels, new int[count], 8, 8, ["noise"]);
    }

    [Fact]
    public void TrainAndFitPrior_SameSeed_SameBitsAndUsageMeasuredEveryEpoch()
    {
        (float[] Parameters, IReadOnlyList<EpochMetrics> History, CodePriorFit Fit, int[] Samples) Run()
        {
            var config = Tiny(restart: true);
            var model = (VqVae)config.Build(new Rng(1));
            var history = new Trainer(model, new TrainingOptions { Epochs = 2, BatchSize = 16, CheckpointEvery = 0 }).Fit(Squares(48, 3)).History;
            var fit = CodePriorTraining.AfterTraining(model, Squares(48, 3), Squares(16, 4), seed: 1)!;
            model.Eval();
            var parameters = model.Parameters().Concat(model.NamedBuffers().Select(b => b.Buffer)).SelectMany(p => p.ToArray()).ToArray();
            return (parameters, history, fit, model.CodePrior.SampleCodes(10, new Rng(5)));
        }
        var first = Run();
        var second = Run();
        Assert.Equal(first.Parameters, second.Parameters);
        Assert.Equal(first.Samples, second.Samples);
        Assert.Equal(first.Fit.History.Select(e => e.TrainNll), second.Fit.History.Select(e => e.TrainNll));
        Assert.Equal(2, first.Fit.History.Count);
        Assert.Equal(4 * Math.Log(6), first.Fit.UniformNll, 6);
        foreach (var epoch in first.History)
        {
            var measures = epoch.ModelMeasures!;
            Assert.InRange(measures["codes_used"], 1, 6);
            Assert.InRange(measures["perplexity"], 1, measures["codes_used"] + 1e-9);
            Assert.True(measures["commitment"] > 0);
        }
    }

    [Fact]
    public void CodeUsage_Counts_GiveCodesUsedAndPerplexity()
    {
        var usage = new CodeUsage(8);
        usage.Add([0, 0, 1, 1, 2, 2, 3, 3]);
        Assert.Equal(4, usage.CodesUsed);
        Assert.Equal(4.0, usage.Perplexity, 10);                                         // uniform over 4 codes
        usage.Clear();
        usage.Add([5, 5, 5]);
        Assert.Equal(1.0, usage.Perplexity, 10);
    }

    [Fact]
    public void Config_VariantVqVae_RoundTripsThroughJsonAndBuildsAVqVae()
    {
        var json = """{ "variant": "vq-vae", "codes": 64, "codeSize": 8, "commitment": 0.5, "ema": false, "priorEpochs": 3 }""";
        var config = Assert.IsType<VqVaeConfig>(JsonSerializer.Deserialize<VaeConfig>(json, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        Assert.Equal((64, 8, 0.5f, false, 3), (config.Codes, config.CodeSize, config.Commitment, config.Ema, config.PriorEpochs));
        var model = Assert.IsType<VqVae>(config.Build(new Rng(1)));
        Assert.Equal(7 * 7 * 8, model.LatentSize);
        Assert.False(model.Codebook.Ema);
        Assert.Contains("vq-vae", VaeConfig.VariantNames);
    }

    [Theory]
    [InlineData("Codes", "Codes: must be between 2")]
    [InlineData("Restart", "RestartDeadCodes: reads the EMA counts")]
    [InlineData("Decay", "EmaDecay: must be in (0, 1)")]
    [InlineData("Prior", "Objective: the VQ-VAE has its own loss and prior")]
    public void Validate_BadField_NamesTheFieldAndTheAllowedRange(string field, string message)
    {
        var config = field switch
        {
            "Codes" => new VqVaeConfig { Codes = 1 },
            "Restart" => new VqVaeConfig { Ema = false, RestartDeadCodes = true },
            "Decay" => new VqVaeConfig { EmaDecay = 1f },
            _ => new VqVaeConfig { Prior = new Workbench.Models.Priors.VampPriorConfig() },
        };
        Assert.StartsWith(message, Assert.Throws<ArgumentException>(config.Validate).Message);
    }

    [Fact]
    public void Describe_ForRunLogs_NamesTheConvNetworksTheCodeGridAndThePixelCnnPrior()
    {
        var config = new VqVaeConfig { Codes = 64, CodeSize = 8, PriorEpochs = 3 };
        Assert.Equal("conv encoder and decoder, a 7×7 grid of 64 codes of size 8", config.DescribeNetworks());
        Assert.Equal("PixelCNN prior fitted for 3 epochs after training", config.DescribePrior());
        Assert.Equal("uniform prior over codes", (config with { PriorEpochs = 0 }).DescribePrior());
        Assert.Equal("mlp", new VaeConfig().DescribeNetworks());
        Assert.Equal("conv", new VaeConfig { Architecture = Architecture.Conv }.DescribeNetworks());
    }
}
