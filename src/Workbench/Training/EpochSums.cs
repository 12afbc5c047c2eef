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

    /// <summary>Image-weighted sums of the model's further terms (<see cref="VaeOutput.Terms"/>), in the order they first came.</summary>
    private readonly Dictionary<string, double> _terms = new(StringComparer.Ordinal);

    /// <summary>The epoch's mean of each further term; null when the model reported none.</summary>
    public Dictionary<string, double>? MeanTerms() => _terms.Count == 0 ? null : _terms.ToDictionary(kv => kv.Key, kv => kv.Value / Images);

    /// <summary>The sums of the further terms (saved in mid-epoch checkpoints); null when there are none.</summary>
    public Dictionary<string, double>? TermSums() => _terms.Count == 0 ? null : new(_terms);

    public void Add(VaeOutput output, int images)
    {
        if (output.Terms is { } terms)
            foreach (var (name, value) in terms) _terms[name] = _terms.GetValueOrDefault(name) + value * images;
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

    public static EpochSums FromArray(double[] values, int latentSize, IReadOnlyDictionary<string, double>? termSums = null)
    {
        var sums = new EpochSums(latentSize)
        {
            Loss = values[0], Reconstruction = values[1], Kl = values[2], Images = values[3],
            LastKlWeight = values[4], LastKlTarget = double.IsNaN(values[5]) ? null : values[5],
        };
        values.AsSpan(6, latentSize).CopyTo(sums.KlPerDimension);
        if (termSums is not null) foreach (var (name, value) in termSums) sums._terms[name] = value;
        return sums;
    }
}
