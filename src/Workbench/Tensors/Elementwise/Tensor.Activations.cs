using Workbench.Kernels;

namespace Workbench.Tensors;

// Smooth and saturating activations with torch's names and boundary rules (torch.nn.functional.gelu,
// silu, elu, hardtanh). GELU and SiLU are on the hot path of a network and run eight lanes at a time.
public sealed partial class Tensor
{
    /// <summary>
    /// GELU(x) = x·Φ(x) with Φ the standard normal CDF (Hendrycks &amp; Gimpel, 2016). With
    /// <paramref name="approximate"/> = "tanh", ½x(1 + tanh(√(2/π)(x + 0.044715x³))) instead, as
    /// <c>F.gelu(x, approximate=...)</c>. d/dx = Φ(x) + x·φ(x) (or the tanh form's derivative).
    /// </summary>
    public Tensor Gelu(string approximate = "none")
    {
        bool tanh = approximate switch
        {
            "none" => false,
            "tanh" => true,
            _ => throw new ArgumentException($"Gelu: approximate must be \"none\" or \"tanh\", got \"{approximate}\".", nameof(approximate)),
        };
        var y = Uninitialized(Dims);
        if (tanh) VectorLoops.Map(Storage, y.Storage, new GeluTanhVector());
        else VectorLoops.Map(Storage, y.Storage, new GeluVector());
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Gelu", [x], g =>
        {
            var (gx, beta) = x.GradForUpdate();
            if (tanh) VectorLoops.AccumulateChain(g.Storage, x.Storage, gx, new GeluTanhDerivativeVector(), overwrite: beta == 0f);
            else VectorLoops.AccumulateChain(g.Storage, x.Storage, gx, new GeluDerivativeVector(), overwrite: beta == 0f);
        });
    }

    /// <summary>SiLU(x) = x·σ(x) (Elfwing et al., 2018; "swish"), as <c>F.silu</c>. d/dx = σ(x)(1 + x(1 − σ(x))).</summary>
    public Tensor Silu()
    {
        var y = Uninitialized(Dims);
        VectorLoops.Map(Storage, y.Storage, new SiluVector());
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Silu", [x], g =>
        {
            var (gx, beta) = x.GradForUpdate();
            VectorLoops.AccumulateChain(g.Storage, x.Storage, gx, new SiluDerivativeVector(), overwrite: beta == 0f);
        });
    }

    /// <summary>
    /// ELU(x) = x for x &gt; 0, α(eˣ − 1) otherwise (Clevert et al., 2016), as <c>F.elu(x, alpha)</c>.
    /// d/dx = 1 for x &gt; 0, αeˣ for x ≤ 0 (α at 0, as PyTorch).
    /// </summary>
    public Tensor Elu(float alpha = 1f)
    {
        var y = Uninitialized(Dims);
        ElementLoops.Map(Storage, y.Storage, new EluFunction(alpha));
        return RecordElementwise("Elu", y, new EluDerivative(alpha), derivativeOfOutput: false);
    }

    /// <summary>
    /// min(max(x, <paramref name="min"/>), <paramref name="max"/>), as <c>F.hardtanh</c>. Unlike
    /// <see cref="Clamp"/>, the gradient is 0 AT the bounds: d/dx = 1 only for min &lt; x &lt; max (PyTorch's rule).
    /// </summary>
    public Tensor Hardtanh(float min = -1f, float max = 1f)
    {
        if (!(min <= max)) throw new ArgumentException($"Hardtanh: min ({min}) must not exceed max ({max}).");
        var y = Uninitialized(Dims);
        System.Numerics.Tensors.TensorPrimitives.Clamp(Storage, min, max, y.Storage);
        return RecordElementwise("Hardtanh", y, new HardtanhDerivative(min, max), derivativeOfOutput: false);
    }
}
