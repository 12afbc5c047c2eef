using System.Globalization;
using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// Group normalisation as PyTorch's <c>nn.GroupNorm</c> (Wu &amp; He 2018): the channels of (N, C, *) split into
/// <see cref="Groups"/> groups, each sample's group normalised by its own mean and biased variance, then each channel
/// multiplied by "weight" (ones, (C)) and shifted by "bias" (zeros, (C)). The same in training and evaluation mode.
/// </summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    public GroupNorm(int groups, int channels, double eps = 1e-5, bool affine = true)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), $"GroupNorm needs at least one channel, got {channels}.");
        if (groups < 1 || channels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), $"GroupNorm: groups must be positive and divide the {channels} channels, got {groups}.");
        if (!(eps >= 0) || double.IsInfinity(eps)) throw new ArgumentOutOfRangeException(nameof(eps), $"GroupNorm: eps must be a finite number ≥ 0, got {eps}.");
        Groups = groups;
        Channels = channels;
        Eps = eps;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(channels)); // (C)
            Bias = RegisterParameter("bias", Tensor.Zeros(channels));    // (C)
        }
    }

    public int Groups { get; }

    public int Channels { get; }

    public double Eps { get; }

    /// <summary>(C), or null when not affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>(C), or null when not affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>(N, C, *) → same shape.</summary>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank < 2 || input.Dim(1) != Channels)
            throw new ArgumentException($"GroupNorm({Groups}, {Channels}): input must be (N, {Channels}, *), got shape {Tensor.ShapeText(input.Dims)}.");
        return Tensor.GroupNorm(input, Groups, Weight, Bias, Eps);
    }

    protected override string ExtraRepr() =>
        $"{Groups}, {Channels}, eps={Eps.ToString(CultureInfo.InvariantCulture)}, affine={(Weight is null ? "False" : "True")}";
}
