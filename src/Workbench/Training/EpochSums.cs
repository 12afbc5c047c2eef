using Workbench.Models;

namespace Workbench.Training;

/// <summary>Running, image-weighted sums of an epoch's training metrics (saved in mid-epoch checkpoints).</summary>
internal sealed class EpochSums(int latentSize)
{
    public double Loss, Reconstruction, Kl, Images;
    public double LastKlWeight;
    public double? LastKlTarget;
    public readonly double[] KlPerDimension = new double[latentSize];

    public void Add(VaeOutput output, int images)
    {
        Loss += output.Loss.Item() * images;
        Reconstruction += output.ReconstructionTerm.Item() * images;
        Kl += output.KlTerm.Item() * images;
        Images += images;
        LastKlWeight = output.KlWeight;
        LastKlTarget = output.KlTarget;
        var perDimension = output.KlPerDimension.Span;
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
