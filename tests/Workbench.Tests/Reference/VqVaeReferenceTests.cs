using Workbench.Models;
using Workbench.Models.VectorQuantized;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>
/// The VQ-VAE against PyTorch 1.13 (tests/fixtures-gen/vq_vae.py → Fixtures/vq_vae.safetensors): one training step with
/// the straight-through gradient (gradient and EMA codebooks), two EMA codebook steps as Sonnet's VectorQuantizerEMA,
/// the masked convolutions and the PixelCNN's log-likelihood and gradients.
/// </summary>
public class VqVaeReferenceTests
{
    private static readonly IReadOnlyDictionary<string, Tensor> Fixture = FixtureFiles.Load("vq_vae.safetensors").Tensors;

    private static int[] Ints(Tensor t) => t.ToArray().Select(v => (int)v).ToArray();

    private static VqVae Model(bool ema)
    {
        var config = new VqVaeConfig { ImageHeight = 8, ImageWidth = 8, ConvChannels = [3, 4], CodeSize = 3, Codes = 5, Ema = ema, PriorChannels = 2, PriorLayers = 0 };
        var model = (VqVae)config.Build(new Rng(1));
        foreach (var (name, tensor) in model.NamedParameters().Concat(model.NamedBuffers()))
        {
            if (name.StartsWith("prior.", StringComparison.Ordinal) || name.Contains("ema_", StringComparison.Ordinal)) continue;
            Assert.True(Fixture.ContainsKey(name), $"the fixture has no tensor '{name}'");
            Fixture[name].Span.CopyTo(tensor.Span);
        }
        return model;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrainingStep_FixedWeightsAndBatch_CodesLossAndEveryGradientMatchPyTorch(bool ema)
    {
        var model = Model(ema);
        string prefix = ema ? "ema." : "";
        var x = Fixture["x"];
        var output = model.Forward(x, Tensor.Zeros(x.Dim(0), model.LatentSize));
        output.Loss.Backward();

        Assert.Equal(Ints(Fixture["codes"]), ((QuantizedPosterior)output.Posterior).Codes);
        Close.Assert([Fixture[prefix + "loss"].Item()], [output.Loss.Item()], 1e-5, 1e-5, "loss");
        Close.Assert([Fixture[prefix + "reconstruction"].Item()], [output.ReconstructionTerm.Item()], 1e-5, 1e-5, "reconstruction");
        int checkedGradients = 0;
        foreach (var (name, parameter) in model.NamedParameters())
        {
            if (name.StartsWith("prior.", StringComparison.Ordinal)) continue;
            ReferenceAssert.Close(Fixture[prefix + "grad." + name], parameter.Grad!, "grad " + name);
            checkedGradients++;
        }
        Assert.Equal(ema ? 12 : 13, checkedGradients); // 3 encoder convolutions and 3 decoder layers, weight and bias; the codebook without EMA
    }

    [Fact]
    public void UpdateEma_TwoSteps_CodesHiddenAveragesAndCodebookMatchSonnetsVectorQuantizerEma()
    {
        var codebook = new Codebook(5, 3, new Rng(1), ema: true, decay: 0.99f, epsilon: 1e-5f);
        Fixture["ema_steps.initial"].Span.CopyTo(codebook.Embedding.Span);
        var buffers = codebook.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer);
        foreach (int t in new[] { 1, 2 })
        {
            var vectors = Fixture[$"ema_steps.{t}.vectors"];
            var codes = codebook.Nearest(vectors);
            Assert.Equal(Ints(Fixture[$"ema_steps.{t}.codes"]), codes);
            codebook.UpdateEma(vectors, codes);
            ReferenceAssert.Close(Fixture[$"ema_steps.{t}.cluster_hidden"], buffers["ema_cluster_size"], $"step {t}: hidden cluster sizes");
            ReferenceAssert.Close(Fixture[$"ema_steps.{t}.dw_hidden"], buffers["ema_dw"], $"step {t}: hidden code sums");
            ReferenceAssert.Close(Fixture[$"ema_steps.{t}.codebook"], codebook.Embedding, $"step {t}: codebook");
        }
    }

    [Theory]
    [InlineData("a", 3, ConvMask.A)]
    [InlineData("b", 5, ConvMask.B)]
    public void MaskedConv2d_FixedWeights_OutputAndGradientsMatchPyTorch(string name, int kernel, ConvMask mask)
    {
        var conv = new MaskedConv2d(3, 2, kernel, mask, new Rng(1));
        Fixture[$"masked_{name}.weight"].Span.CopyTo(conv.Weight.Span);
        Fixture[$"masked_{name}.bias"].Span.CopyTo(conv.Bias!.Span);
        var x = ReferenceAssert.Leaf(Fixture["masked.x"]);
        var y = conv.Forward(x);
        (y * Fixture[$"masked_{name}.r"]).Sum().Backward();

        ReferenceAssert.Close(Fixture[$"masked_{name}.y"], y, "output");
        ReferenceAssert.Close(Fixture[$"masked_{name}.grad.x"], x.Grad!, "grad x");
        ReferenceAssert.Close(Fixture[$"masked_{name}.grad.weight"], conv.Weight.Grad!, "grad weight");
        ReferenceAssert.Close(Fixture[$"masked_{name}.grad.bias"], conv.Bias.Grad!, "grad bias");
    }

    [Fact]
    public void PixelCnn_FixedWeights_LogitsLogLikelihoodAndGradientsMatchPyTorch()
    {
        var pixelCnn = new PixelCnn(5, 4, 2, new Rng(1));
        foreach (var (name, parameter) in pixelCnn.NamedParameters()) Fixture["pixelcnn." + name].Span.CopyTo(parameter.Span);
        var codes = new TokenIds(Ints(Fixture["pixelcnn.codes"]), 2, 3, 3);

        var logits = pixelCnn.Forward(codes);
        var logP = pixelCnn.LogProbability(codes);
        (logP * Fixture["pixelcnn.r"]).Sum().Backward();

        ReferenceAssert.Close(Fixture["pixelcnn.logits"], logits, "logits");
        ReferenceAssert.Close(Fixture["pixelcnn.log_p"], logP, "log p(c)");
        Assert.Equal(9, pixelCnn.NamedParameters().Count());
        foreach (var (name, parameter) in pixelCnn.NamedParameters())
            ReferenceAssert.Close(Fixture["pixelcnn.grad." + name], parameter.Grad!, "grad " + name);
    }
}
