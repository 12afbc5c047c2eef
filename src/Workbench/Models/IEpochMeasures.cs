namespace Workbench.Models;

/// <summary>
/// A model that measures something of its own while it trains (the VQ-VAE: codebook usage and perplexity). The
/// trainer takes the measures after every epoch into <c>EpochMetrics.ModelMeasures</c>, and runs write them as extra
/// columns of metrics.csv.
/// </summary>
public interface IEpochMeasures
{
    /// <summary>The measures of the training steps since the last call, by column name (snake_case), and a fresh start for the next epoch.</summary>
    IReadOnlyDictionary<string, double> TakeEpochMeasures();
}
