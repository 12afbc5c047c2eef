namespace Workbench.Experiments.Definitions;

/// <summary>How to measure the quality of a run's samples (the <c>evaluation.sampleQuality</c> section).</summary>
public sealed record SampleQualitySpec
{
    /// <summary>Generated images, and real test images (at most the test set), whose features are compared.</summary>
    public int Samples { get; init; } = 10_000;

    /// <summary>k of the k-nearest-neighbour balls of precision and recall (Kynkäänniemi et al. 2019 use 3).</summary>
    public int Neighbours { get; init; } = 3;

    /// <summary>Components of the ex-post Gaussian mixture fitted to the training set's encoder means (Ghosh et al. 2020); 0 skips it.</summary>
    public int MixtureComponents { get; init; } = 10;

    public const int MaxSamples = 100_000;

    /// <summary>The first field out of its range and why, or null when all are valid.</summary>
    public (string Field, string Problem)? Problem()
    {
        if (Samples is < 10 or > MaxSamples) return ("samples", $"must be between 10 and {MaxSamples} (got {Samples})");
        if (Neighbours < 1 || Neighbours >= Samples) return ("neighbours", $"must be at least 1 and below samples ({Samples}) (got {Neighbours})");
        if (MixtureComponents is < 0 or > 1000) return ("mixtureComponents", $"must be 0 (skip) or between 1 and 1000 (got {MixtureComponents})");
        return null;
    }
}
