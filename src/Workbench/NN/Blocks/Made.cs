using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// MADE (Germain et al. 2015) as the autoregressive network of an inverse autoregressive flow step
/// (Kingma et al. 2016): z (B, latent) and a context h (B, C) → a shift m and a gate pre-activation s, each
/// (B, latent), where output j depends only on the inputs that come before j in the ordering (and on h):
/// h₁ = ELU(MaskedLinear(z) + h·Wₕᵀ), h₂ = ELU(MaskedLinear(h₁)), m = MaskedLinear(h₂), s = MaskedLinear(h₂).
/// Degrees: input i has degree i + 1 (or latent − i when <c>reversed</c>), hidden unit k has degree
/// k mod max(1, latent − 1) + 1; a hidden unit reads inputs of degree ≤ its own, an output reads hidden
/// units of degree strictly below its input's. The context enters the first hidden layer unmasked.
/// Children: "input", "context", "hidden", "shift", "gate".
/// </summary>
public sealed class Made : Module
{
    /// <param name="latentSize">Dimensions of z.</param>
    /// <param name="hiddenSize">Width of the two hidden layers.</param>
    /// <param name="contextSize">C, width of the context h.</param>
    /// <param name="reversed">Use the reversed ordering (latent, …, 1): alternating steps reverse the order.</param>
    public Made(int latentSize, int hiddenSize, int contextSize, bool reversed, Rng rng)
    {
        if (latentSize < 1 || hiddenSize < 1 || contextSize < 1)
            throw new ArgumentOutOfRangeException(nameof(latentSize), $"MADE needs positive sizes; got latent={latentSize}, hidden={hiddenSize}, context={contextSize}.");
        LatentSize = latentSize;
        Reversed = reversed;
        var inputDegrees = Enumerable.Range(0, latentSize).Select(i => reversed ? latentSize - i : i + 1).ToArray();
        var hiddenDegrees = Enumerable.Range(0, hiddenSize).Select(k => k % Math.Max(1, latentSize - 1) + 1).ToArray();
        Input = RegisterModule("input", new MaskedLinear(latentSize, hiddenSize, Mask(hiddenDegrees, inputDegrees, strict: false), rng));
        Context = RegisterModule("context", new Linear(contextSize, hiddenSize, rng, bias: false));
        Hidden = RegisterModule("hidden", new MaskedLinear(hiddenSize, hiddenSize, Mask(hiddenDegrees, hiddenDegrees, strict: false), rng));
        Shift = RegisterModule("shift", new MaskedLinear(hiddenSize, latentSize, Mask(inputDegrees, hiddenDegrees, strict: true), rng));
        Gate = RegisterModule("gate", new MaskedLinear(hiddenSize, latentSize, Mask(inputDegrees, hiddenDegrees, strict: true), rng));
    }

    public int LatentSize { get; }

    /// <summary>Whether the ordering is latent, …, 1 instead of 1, …, latent.</summary>
    public bool Reversed { get; }

    public MaskedLinear Input { get; }
    public Linear Context { get; }
    public MaskedLinear Hidden { get; }
    public MaskedLinear Shift { get; }
    public MaskedLinear Gate { get; }

    /// <summary>z (B, latent), h (B, C) → m (B, latent), s (B, latent).</summary>
    public (Tensor Shift, Tensor Gate) Forward(Tensor z, Tensor context)
    {
        var h = (Input.Forward(z) + Context.Forward(context)).Elu();                   // (B, hidden)
        h = Hidden.Forward(h).Elu();                                                    // (B, hidden)
        return (Shift.Forward(h), Gate.Forward(h));                                     // (B, latent) each
    }

    /// <summary>M[j, i] = 1 when unit j (degree <paramref name="outDegrees"/>[j]) may read unit i: degree ≥ (hidden) or &gt; (output).</summary>
    private static Tensor Mask(int[] outDegrees, int[] inDegrees, bool strict)
    {
        var mask = new float[outDegrees.Length * inDegrees.Length];
        for (int j = 0; j < outDegrees.Length; j++)
            for (int i = 0; i < inDegrees.Length; i++)
                mask[j * inDegrees.Length + i] = (strict ? outDegrees[j] > inDegrees[i] : outDegrees[j] >= inDegrees[i]) ? 1f : 0f;
        return Tensor.FromArray(mask, outDegrees.Length, inDegrees.Length);
    }

    protected override string ExtraRepr() => $"latent={LatentSize}, reversed={(Reversed ? "True" : "False")}";
}
