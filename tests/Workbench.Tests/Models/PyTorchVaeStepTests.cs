using Workbench.IO;
using Workbench.Models;
using Workbench.Models.Posteriors;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

/// <summary>
/// One forward and backward pass of the classic PyTorch VAE (Fixtures/vae_step.safetensors, written by
/// tests/fixtures-gen/make_fixtures.py) against ours with the same weights, input and ε. PyTorch's
/// loss is a batch sum, ours a batch mean: terms are divided and gradients multiplied by B.
/// </summary>
public class PyTorchVaeStepTests
{
    private const int Batch = 8;

    /// <summary>Our parameter name → the PyTorch state_dict key holding the same tensor.</summary>
    private static readonly Dictionary<string, string> PyTorchName = new()
    {
        ["encoder.0.weight"] = "fc1.weight", ["encoder.0.bias"] = "fc1.bias",
        ["encoder.fc_mu.weight"] = "fc21.weight", ["encoder.fc_mu.bias"] = "fc21.bias",
        ["encoder.fc_logvar.weight"] = "fc22.weight", ["encoder.fc_logvar.bias"] = "fc22.bias",
        ["decoder.0.weight"] = "fc3.weight", ["decoder.0.bias"] = "fc3.bias",
        ["decoder.2.weight"] = "fc4.weight", ["decoder.2.bias"] = "fc4.bias",
    };

    private static (IReadOnlyDictionary<string, Tensor> Fixture, VariationalAutoencoder Model, VaeOutput Output) RunStep()
    {
        var fixture = SafeTensors.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "vae_step.safetensors")).Tensors;
        var model = VariationalAutoencoder.Create(new VaeConfig(), new Rng(123));
        foreach (var (name, parameter) in model.NamedParameters())
        {
            var source = fixture[PyTorchName[name]];
            Assert.Equal(source.Shape, parameter.Shape);
            source.Span.CopyTo(parameter.Span);
        }
        var output = model.Forward(fixture["input"], noise: fixture["eps"]);
        output.Loss.Backward();
        return (fixture, model, output);
    }

    /// <summary>Asserts closeness with a relative tolerance, plus an absolute floor scaled to the tensor's magnitude.</summary>
    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double rtol = 1e-4)
    {
        double scale = 0;
        foreach (var v in expected) scale = Math.Max(scale, Math.Abs(v));
        Close.Assert(expected, actual, rtol, atol: 1e-5 * scale + 1e-7, what);
    }

    [Fact]
    public void NamedParameters_DefaultConfig_MapOneToOneOntoPyTorchKeys()
    {
        var model = VariationalAutoencoder.Create(new VaeConfig(), new Rng(1));
        Assert.Equal(PyTorchName.Keys.Order(), model.NamedParameters().Select(p => p.Name).Order());
    }

    [Fact]
    public void Forward_PyTorchWeightsAndNoise_MatchesPyTorchActivations()
    {
        var (fixture, _, output) = RunStep();
        AssertClose(fixture["mu"].Span, output.Mean.Span, "mu");
        AssertClose(fixture["logvar"].Span, ((DiagonalGaussian)output.Posterior).LogVariance.Span, "logvar");
        AssertClose(fixture["z"].Span, output.Z.Span, "z");
        AssertClose(fixture["logits"].Span, output.Reconstruction.Span, "logits");
    }

    [Fact]
    public void Forward_PyTorchWeightsAndNoise_TermsAreBatchSumsDividedByBatch()
    {
        var (fixture, _, output) = RunStep();
        AssertClose([fixture["bce"].Item() / Batch], [output.ReconstructionTerm.Item()], "reconstruction term");
        AssertClose([fixture["kl"].Item() / Batch], [output.KlTerm.Item()], "KL term");
        AssertClose([fixture["loss"].Item() / Batch], [output.Loss.Item()], "loss");
        Assert.Equal(1f, output.KlWeight);
        Assert.Null(output.KlTarget);
        // The per-image vectors sum to PyTorch's batch sums.
        AssertClose([fixture["bce"].Item()], [output.ReconstructionPerImage.ToArray().Sum()], "Σ reconstruction per image");
        AssertClose([fixture["kl"].Item()], [output.KlPerImage.ToArray().Sum()], "Σ KL per image");
        AssertClose([fixture["kl"].Item() / Batch], [output.KlPerDimension!.ToArray().Sum()], "Σ KL per dimension");
    }

    [Fact]
    public void Backward_PyTorchWeightsAndNoise_GradientsMatchPyTorchTimesBatch()
    {
        var (fixture, model, _) = RunStep();
        foreach (var (name, parameter) in model.NamedParameters())
        {
            string torchName = PyTorchName[name];
            var ours = parameter.Grad!.ToArray().Select(g => g * Batch).ToArray();
            float[] expected = fixture.TryGetValue($"grad.{torchName}", out var stored)
                ? stored.ToArray()
                : RebuildLargeWeightGradient(fixture, torchName);
            AssertClose(expected, ours, $"grad of {name} ({torchName})");
        }
    }

    [Fact]
    public void Backward_LargeWeightGradients_FactorisationAgreesWithStoredRows()
    {
        // Guards the oracle itself: the rebuilt (dL/dpre)ᵀ·input agrees with PyTorch's first 16 rows.
        var fixture = SafeTensors.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "vae_step.safetensors")).Tensors;
        foreach (var name in new[] { "fc1.weight", "fc4.weight" })
        {
            var rebuilt = RebuildLargeWeightGradient(fixture, name);
            var rows = fixture[$"grad.{name}.rows0to15"];
            AssertClose(rows.Span, rebuilt.AsSpan(0, rows.Size), $"rebuilt {name} gradient");
        }
    }

    /// <summary>
    /// The 784×400 weight gradients are stored as their rank-8 factors: dL/dW = (dL/dpre)ᵀ · layer input,
    /// with layer input x for fc1 and h3 for fc4. Rebuilt in double.
    /// </summary>
    private static float[] RebuildLargeWeightGradient(IReadOnlyDictionary<string, Tensor> fixture, string torchName)
    {
        var upstream = fixture[$"grad.{torchName}.upstream"];                // (B, out)
        var input = fixture[torchName == "fc1.weight" ? "input" : "h3"];    // (B, in)
        int outFeatures = upstream.Dim(1), inFeatures = input.Dim(1);
        var u = upstream.Span;
        var x = input.Span;
        var gradient = new float[outFeatures * inFeatures];
        for (int o = 0; o < outFeatures; o++)
            for (int i = 0; i < inFeatures; i++)
            {
                double sum = 0;
                for (int b = 0; b < Batch; b++) sum += (double)u[b * outFeatures + o] * x[b * inFeatures + i];
                gradient[o * inFeatures + i] = (float)sum;
            }
        return gradient;
    }
}
