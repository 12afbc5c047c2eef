using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>
/// One forward/backward step of the classic PyTorch examples VAE (Kingma &amp; Welling 2014:
/// fc1 784→400, fc21/fc22 400→20, fc3 20→400, fc4 400→784, ReLU, Bernoulli decoder on logits) built
/// from tensor ops, compared with PyTorch 1.13 (Fixtures/vae_step.safetensors).
/// </summary>
public class VaeStepReferenceTests
{
    private static readonly string[] Layers = ["fc1", "fc21", "fc22", "fc3", "fc4"];

    [Fact]
    public void ForwardAndBackward_FixedWeightsAndNoise_MatchPyTorch()
    {
        var fixture = FixtureFiles.Load("vae_step.safetensors").Tensors;
        var parameters = new Dictionary<string, Tensor>();
        foreach (var layer in Layers)
            foreach (var kind in new[] { "weight", "bias" })
                parameters[$"{layer}.{kind}"] = ReferenceAssert.Leaf(fixture[$"{layer}.{kind}"]);
        Tensor Layer(string name, Tensor input) => Tensor.Linear(input, parameters[$"{name}.weight"], parameters[$"{name}.bias"]);

        var x = fixture["input"];                                // (8, 784) in [0, 1]
        var eps = fixture["eps"];                                // (8, 20) standard normal noise
        var h1 = Layer("fc1", x).Relu();                         // (8, 400)
        var mu = Layer("fc21", h1);                              // (8, 20)
        var logVariance = Layer("fc22", h1);                     // (8, 20)
        var z = mu + eps * logVariance.MulScalar(0.5f).Exp();    // (8, 20) reparameterisation
        var h3 = Layer("fc3", z).Relu();                         // (8, 400)
        var logits = Layer("fc4", h3);                           // (8, 784)
        var bce = Losses.BinaryCrossEntropyWithLogits(logits, x);         // Σ over batch and pixels, nats
        var kl = Losses.GaussianKlToStandardNormal(mu, logVariance);      // Σ over batch and latents, nats
        var loss = bce + kl;
        loss.Backward();

        ReferenceAssert.Close(fixture["h1"], h1, "h1");
        ReferenceAssert.Close(fixture["mu"], mu, "mu");
        ReferenceAssert.Close(fixture["logvar"], logVariance, "logvar");
        ReferenceAssert.Close(fixture["z"], z, "z");
        ReferenceAssert.Close(fixture["h3"], h3, "h3");
        ReferenceAssert.Close(fixture["logits"], logits, "logits");
        Close.Assert([fixture["bce"].Item()], [bce.Item()], 1e-4, 1e-6, "BCE term");
        Close.Assert([fixture["kl"].Item()], [kl.Item()], 1e-4, 1e-6, "KL term");
        Close.Assert([fixture["loss"].Item()], [loss.Item()], 1e-4, 1e-6, "loss");

        foreach (var (name, parameter) in parameters)
        {
            Assert.True(parameter.Grad is not null, $"{name} received no gradient");
            if (fixture.TryGetValue($"grad.{name}", out var expected))
            {
                ReferenceAssert.Close(expected, parameter.Grad!, $"grad {name}");
                continue;
            }
            // The two 784×400 weight gradients are stored as their rank-8 factors (dL/d pre-activation,
            // layer input) plus their first 16 rows verbatim.
            var layerInput = name == "fc1.weight" ? x : fixture["h3"];
            var expectedFull = OuterProductSum(fixture[$"grad.{name}.upstream"], layerInput);
            ReferenceAssert.Close(expectedFull, parameter.Grad!, $"grad {name}");
            var rows = fixture[$"grad.{name}.rows0to15"];
            Close.Assert(rows.Span, parameter.Grad!.Span[..rows.Size], 1e-4, ReferenceAssert.Floor(rows.Span), $"grad {name} rows 0-15");
        }
    }

    /// <summary>upstreamᵀ · input accumulated in double: (B, out)ᵀ (B, in) → (out, in).</summary>
    private static Tensor OuterProductSum(Tensor upstream, Tensor input)
    {
        int batch = upstream.Dim(0), outputs = upstream.Dim(1), inputs = input.Dim(1);
        var result = new float[outputs * inputs];
        var u = upstream.Span;
        var a = input.Span;
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
            {
                double sum = 0;
                for (int b = 0; b < batch; b++) sum += (double)u[b * outputs + o] * a[b * inputs + i];
                result[o * inputs + i] = (float)sum;
            }
        return Tensor.FromArray(result, outputs, inputs);
    }
}
