using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// A residual block (He, Zhang, Ren &amp; Sun, "Deep Residual Learning for Image Recognition", 2016):
/// y = body(x) + shortcut(x), the shortcut being the identity when none is given. Any modules fit; the body and
/// shortcut must give outputs of one shape. Registered as "body" and "shortcut", so parameters read
/// "body.0.weight", "shortcut.weight". An activation after the sum, if wanted, is the next layer.
/// </summary>
public sealed class ResidualBlock : Module<Tensor, Tensor>
{
    public ResidualBlock(Module<Tensor, Tensor> body, Module<Tensor, Tensor>? shortcut = null)
    {
        Body = RegisterModule("body", body);
        if (shortcut is not null) Shortcut = RegisterModule("shortcut", shortcut);
    }

    /// <summary>The residual branch.</summary>
    public Module<Tensor, Tensor> Body { get; }

    /// <summary>The skip branch, or null for the identity.</summary>
    public Module<Tensor, Tensor>? Shortcut { get; }

    public override Tensor Forward(Tensor input)
    {
        var residual = Body.Forward(input);
        var skip = Shortcut is null ? input : Shortcut.Forward(input);
        if (!residual.Shape.SequenceEqual(skip.Shape))
            throw new ArgumentException($"ResidualBlock: the body gives shape {Tensor.ShapeText(residual.Dims)} but the {(Shortcut is null ? "identity shortcut" : "shortcut")} gives {Tensor.ShapeText(skip.Dims)}; " +
                "they must match (give a shortcut that maps the input to the body's output shape).");
        return residual + skip;
    }

    /// <summary>
    /// The basic convolutional block: body = Conv3×3(stride) → [norm] → ReLU → Conv3×3 → [norm], both convolutions
    /// with padding 1; shortcut = the identity when the shape is kept, else Conv1×1(stride) → [norm]. Convolutions
    /// followed by a normalisation have no bias (it would be cancelled). <paramref name="normalization"/> makes the
    /// normalisation layer for a channel count (a batch norm, say); without it there is none. Weights are drawn
    /// from <paramref name="rng"/> in the order body first, then shortcut.
    /// (N, inChannels, H, W) → (N, outChannels, ⌊(H − 1)/stride⌋ + 1, …).
    /// </summary>
    public static ResidualBlock Convolutional(int inChannels, int outChannels, Rng rng, int stride = 1,
        Func<int, Module<Tensor, Tensor>>? normalization = null)
    {
        bool bias = normalization is null;
        var body = new Sequential(new Conv2d(inChannels, outChannels, 3, rng, stride, padding: 1, bias: bias));
        if (normalization is not null) body.Add(normalization(outChannels));
        body.Add(new ReLU()).Add(new Conv2d(outChannels, outChannels, 3, rng, stride: 1, padding: 1, bias: bias));
        if (normalization is not null) body.Add(normalization(outChannels));
        if (inChannels == outChannels && stride == 1) return new ResidualBlock(body);
        Module<Tensor, Tensor> shortcut = new Conv2d(inChannels, outChannels, 1, rng, stride, bias: bias);
        if (normalization is not null) shortcut = new Sequential(shortcut, normalization(outChannels));
        return new ResidualBlock(body, shortcut);
    }
}
