using System.Text.Json.Nodes;
using Workbench.Display;

namespace Workbench.Experiments.RunFolders;

/// <summary>What a finished run measured (<c>summary.json</c>); one row of <c>results/index.json</c>.
/// Losses are test-set values in nats per image.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<RunSummary>), PreferredMimeTypes = ["text/html"])]
public sealed record RunSummary : IHtmlDisplayable
{
    public required string Experiment { get; init; }
    public required string Run { get; init; }
    public required Dictionary<string, JsonNode?> Overrides { get; init; }
    public required string Variant { get; init; }
    public required string Objective { get; init; }
    public required double Beta { get; init; }
    public required string KlPenalty { get; init; }
    public required int LatentSize { get; init; }
    public required string Dataset { get; init; }
    public required int TrainImages { get; init; }
    public required int TestImages { get; init; }
    public required int Epochs { get; init; }
    public required ulong Seed { get; init; }
    public required double TestLoss { get; init; }
    public required double TestReconstruction { get; init; }
    public required double TestKl { get; init; }
    /// <summary>Reconstruction + KL: −ELBO, whatever the training objective was.</summary>
    public required double TestNegativeElbo { get; init; }
    public double? ImportanceWeightedBound { get; init; }
    public int? ImportanceSamples { get; init; }
    /// <summary>How many test images (the first ones) the importance-weighted bound averages over; the ELBO terms use all <see cref="TestImages"/>.</summary>
    public int? ImportanceImages { get; init; }
    /// <summary>
    /// <see cref="ImportanceWeightedBound"/> in bits per dimension, nats / (pixels · ln 2), the literature's unit for
    /// grey-level images; only for a likelihood that is a probability mass function over the pixel levels
    /// (<see cref="Models.Likelihoods.Likelihood.PixelLevels"/>), null otherwise (a density's or the Bernoulli's nats are no code length).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? ImportanceWeightedBoundBitsPerDimension { get; init; }
    public required int ActiveUnits { get; init; }
    public required float[] Activity { get; init; }
    public required float[] KlPerDimension { get; init; }
    /// <summary>Mean posterior σ over test images and dimensions: near 0 when the encoder ignores the prior.</summary>
    public required double MeanPosteriorSigma { get; init; }
    /// <summary>RMS pixel difference between reconstructions E[x|z=μ(x)] of test images and the training set's mean image:
    /// near 0 when the latent code carries no information (posterior collapse).</summary>
    public double? ReconstructionToMeanImageRms { get; init; }
    public double? ClassConditionalAccuracy { get; init; }
    /// <summary>Semi-supervised runs: the number of labelled training images; null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? Labels { get; init; }
    /// <summary>Semi-supervised runs: the seed that drew the labelled images; null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ulong? LabelSeed { get; init; }
    /// <summary>Models with a classifier (M2 and its baseline): the fraction of test images labelled wrongly by q(y|x), in [0, 1]; null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? TestClassificationError { get; init; }
    /// <summary>The Mutual Information Gap on the test sprites (Chen et al. 2018); null for data without known factors.</summary>
    public double? Mig { get; init; }
    /// <summary>Fréchet distance, precision and recall of the run's samples; null unless the experiment asked for them.</summary>
    public SampleQuality.SampleQualityResult? SampleQuality { get; init; }
    /// <summary>Early stopping's record: the best validation epoch and value, and when it ended training, the epoch and why; null when it was off.</summary>
    public Training.EarlyStoppingState? EarlyStopping { get; init; }
    /// <summary>A run on sentences: its bounds, perplexities and collapse diagnostics; null for runs on images.</summary>
    public SentenceRunSummary? Sentences { get; init; }
    public required double TrainSeconds { get; init; }
    public required DateTimeOffset Finished { get; init; }

    /// <summary>This run as a one-row <see cref="RunSummaryTable"/>.</summary>
    public string ToHtml() => new RunSummaryTable([this]).ToHtml();
}
