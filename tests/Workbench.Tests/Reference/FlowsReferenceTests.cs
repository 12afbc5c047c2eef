using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>
/// Planar and inverse autoregressive flow posteriors and the masked linear layer against PyTorch 1.13
/// (Fixtures/flows.safetensors, written by tests/fixtures-gen/flows.py, which checks its log-determinants against
/// the autograd Jacobian): z_K and log q(z_K) for given ε, and the gradients of Σ z_K ⊙ r_z + Σ log q ⊙ r_q with
/// respect to μ, log σ², the flow parameters and the context.
/// </summary>
public class FlowsReferenceTests
{
    private static readonly Workbench.IO.SafeTensorsFile File = FixtureFiles.Load("flows.safetensors");

    [Theory]
    [InlineData("planar1")]
    [InlineData("planar3")]
    public void PlanarFlow_SampleWithLogDensity_MatchesPyTorchValuesAndGradients(string name)
    {
        var (mu, logVariance) = (Leaf(name, "mu"), Leaf(name, "logvar"));
        var (u, w, b) = (Leaf(name, "u"), Leaf(name, "w"), Leaf(name, "b"));
        var posterior = new PlanarFlowPosterior(new DiagonalGaussian(mu, logVariance), u, w, b);
        var sample = posterior.SampleWithLogDensity(Fixture(name, "eps"));
        AssertSample(name, sample);
        foreach (var (key, tensor) in new[] { ("mu", mu), ("logvar", logVariance), ("u", u), ("w", w), ("b", b) })
            ReferenceAssert.Close(Fixture(name, "grad." + key), tensor.Grad!, $"{name} grad {key}");
    }

    [Theory]
    [InlineData("iaf1", 1)]
    [InlineData("iaf2", 2)]
    public void InverseAutoregressiveFlow_SampleWithLogDensity_MatchesPyTorchValuesAndGradients(string name, int steps)
    {
        var (mu, logVariance, context) = (Leaf(name, "mu"), Leaf(name, "logvar"), Leaf(name, "h"));
        int latent = mu.Dim(1), hidden = Fixture(name, "iaf.0.input.weight").Dim(0), contextSize = context.Dim(1);
        var networks = new Made[steps];
        for (int k = 0; k < steps; k++)
        {
            networks[k] = new Made(latent, hidden, contextSize, reversed: k % 2 == 1, new Rng(1));
            string prefix = $"{name}.iaf.{k}.";
            foreach (var (bufferName, buffer) in networks[k].StateDict().Where(kv => kv.Key.EndsWith("mask", StringComparison.Ordinal)))
                Assert.Equal(File.Tensors[prefix + bufferName].ToArray(), buffer.ToArray()); // the same autoregressive masks as torch's
            var state = File.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
            networks[k].LoadStateDict(state, name);
        }
        var posterior = new InverseAutoregressiveFlowPosterior(new DiagonalGaussian(mu, logVariance), context, networks);
        var sample = posterior.SampleWithLogDensity(Fixture(name, "eps"));
        AssertSample(name, sample);
        foreach (var (key, tensor) in new[] { ("mu", mu), ("logvar", logVariance), ("h", context) })
            ReferenceAssert.Close(Fixture(name, "grad." + key), tensor.Grad!, $"{name} grad {key}");
        for (int k = 0; k < steps; k++)
            foreach (var (parameterName, parameter) in networks[k].NamedParameters())
                ReferenceAssert.Close(Fixture(name, $"grad.iaf.{k}.{parameterName}"), parameter.Grad!, $"{name} grad iaf.{k}.{parameterName}");
    }

    [Fact]
    public void MaskedLinear_Forward_MatchesPyTorchValuesAndGradients()
    {
        const string name = "masked_linear";
        var layer = new MaskedLinear(6, 4, Fixture(name, "mask"), new Rng(1));
        layer.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Fixture(name, "weight"), ["bias"] = Fixture(name, "bias"), ["mask"] = Fixture(name, "mask") }, name);
        var x = Leaf(name, "input");
        var y = layer.Forward(x);
        ReferenceAssert.Close(Fixture(name, "output"), y, "output");
        (y * Fixture(name, "output_weights")).Sum().Backward();
        ReferenceAssert.Close(Fixture(name, "grad.input"), x.Grad!, "grad input");
        ReferenceAssert.Close(Fixture(name, "grad.weight"), layer.Weight.Grad!, "grad weight");
        ReferenceAssert.Close(Fixture(name, "grad.bias"), layer.Bias!.Grad!, "grad bias");
    }

    private static void AssertSample(string name, PosteriorSample sample)
    {
        ReferenceAssert.Close(Fixture(name, "z"), sample.Z, $"{name} z_K");
        ReferenceAssert.Close(Fixture(name, "log_q"), sample.LogDensity, $"{name} log q(z_K)");
        ((sample.Z * Fixture(name, "r_z")).Sum() + (sample.LogDensity * Fixture(name, "r_q")).Sum()).Backward();
    }

    private static Tensor Leaf(string name, string part) => ReferenceAssert.Leaf(Fixture(name, part));

    private static Tensor Fixture(string name, string part) => File.Tensors[$"{name}.{part}"];
}
