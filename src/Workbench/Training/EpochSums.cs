using Workbench.Models;

namespace Workbench.Training;

/// <summary>
/// Running, image-weighted sums of an epoch's training metrics (saved in mid-epoch checkpoints). The
/// per-dimension KL has <c>latentSize</c> entries when the model's KL has a per-dimension closed form
/// and none otherwise.
/// </summary>
internal sealed class EpochSums(int latentSize)
{
    public double Loss, Reconstruction, Kl, Images;
    public double LastKlWeight;
    public double? LastKlTarget;
    public readonly double[] KlPerDimension = new double[latentSize];

    /// <summary>Whether any batch reported a per-dimension KL.</summary>
    public bool HasPerDimension { get; private set; }

    /// <summary>The epoch's mean KL per dimension; empty when the KL had no per-dimension form.</summary>
    public float[] MeanKlPerDimension() => HasPerDimension ? KlPerDimension.Select(v => (float)(v / Images)).ToArray() : [];

    public void Add(VaeOutput output, int images)
    {
        Loss += output.Loss.Item() * images;
        Reconstruction += output.ReconstructionTerm.Item() * images;
        Kl += output.KlTerm.Item() * images;
        Images += images;
        LastKlWeight = output.KlWeight;
        LastKlTarget = output.KlTarget;
        if (output.KlPerDimension is not { } perDimensionTensor) return;
        HasPerDimension = true;
        var perDimension = perDimensionTensor.Span;
        for (int d = 0; d < KlPerDimension.Length; d++) KlPerDimension[d] += perDimension[d] * images;
    }

    public double[] ToArray() => [Loss, Reconstruction, Kl, Images, LastKlWeight, LastKlTarget ?? double.NaN, .. KlPerDimension];

    public static EpochSums FromArray(double[] values, int latentSize)
    {
        var sums = new EpochSums(latentSize)
        {
            Loss = values[0], Reconstruction = values[1], Kl = values[2], Images = values[3],
            LastKlWeight = values[4], LastKlTarget = double.IsNaN(values[5]) ? null : values[5],
        };
        values.AsSpan(6, latentSize).CopyTo(sums.KlPerDimension);
        return sums;
    }
}
