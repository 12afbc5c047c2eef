using System.Text.Json;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.IO;
using Workbench.Models;

namespace Workbench.Experiments.Running;

/// <summary>
/// <c>disentanglement.json</c>: the Mutual Information Gap of a run trained on sprites, measured on its
/// test sprites (<see cref="MutualInformationGap"/>), with the mutual information behind it. MI and
/// entropies in nats.
/// </summary>
public sealed record RunDisentanglement
{
    public const string FileName = "disentanglement.json";

    /// <summary>MIG, the mean over factors of the normalised gap, in [0, 1].</summary>
    public required double Mig { get; init; }
    public required int Images { get; init; }
    public required int Bins { get; init; }
    public required string[] Factors { get; init; }
    /// <summary>H(v_k) per factor.</summary>
    public required double[] FactorEntropy { get; init; }
    /// <summary>Per factor: the normalised gap between its two most informative dimensions.</summary>
    public required double[] Gaps { get; init; }
    /// <summary>Per factor: the dimension with the most information about it.</summary>
    public required int[] BestDimension { get; init; }
    /// <summary>I(z_d; v_k), one row per latent dimension.</summary>
    public required double[][] MutualInformation { get; init; }
    /// <summary>Per dimension: the factor with the highest normalised MI I(z_d; v_k)/H(v_k).</summary>
    public required string[] DimensionFactor { get; init; }
    /// <summary>Per dimension: that normalised MI.</summary>
    public required double[] DimensionFactorShare { get; init; }

    /// <summary>
    /// The MIG of <paramref name="model"/> on the test sprites of <paramref name="data"/>; null when the data
    /// has no known factors (not sprites) or the code has fewer than two dimensions (no gap to measure).
    /// </summary>
    public static RunDisentanglement? Measure(VariationalAutoencoder model, DataSpec data) =>
        ExperimentData.SpritesTest(data) is { } sprites && model.LatentSize >= 2 ? From(MutualInformationGap.Evaluate(model, sprites)) : null;

    public static RunDisentanglement From(MigResult result)
    {
        var labels = Enumerable.Range(0, result.LatentSize).Select(result.FactorOf).ToArray();
        return new RunDisentanglement
        {
            Mig = result.Mig,
            Images = result.Samples,
            Bins = result.Bins,
            Factors = result.FactorNames,
            FactorEntropy = result.FactorEntropy,
            Gaps = result.Gaps,
            BestDimension = result.BestDimension,
            MutualInformation = Enumerable.Range(0, result.LatentSize)
                .Select(d => Enumerable.Range(0, result.FactorNames.Length).Select(k => result.MutualInformation[d, k]).ToArray()).ToArray(),
            DimensionFactor = labels.Select(l => l.Factor).ToArray(),
            DimensionFactorShare = labels.Select(l => l.Normalised).ToArray(),
        };
    }

    /// <summary>Writes <c>disentanglement.json</c> atomically into <paramref name="runFolder"/>; returns its path.</summary>
    public string Save(string runFolder)
    {
        var path = Path.Combine(runFolder, FileName);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, ExperimentJson.Options) + "\n");
        return path;
    }

    /// <summary>The run's <c>disentanglement.json</c>, or null when it has none (not trained on sprites).</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON of this shape.</exception>
    public static RunDisentanglement? Read(string runFolder)
    {
        var path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<RunDisentanglement>(File.ReadAllText(path), ExperimentJson.Options)
                ?? throw new InvalidDataException($"'{path}' holds null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid {FileName}: {e.Message}", e);
        }
    }
}
