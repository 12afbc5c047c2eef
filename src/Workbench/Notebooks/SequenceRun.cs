using System.Text;
using Workbench.Data.Text;
using Workbench.Display;
using Workbench.Models.Sequences;
using Workbench.NN;
using Workbench.Plotting;
using Workbench.Plotting.Charts;
using Workbench.Training.Sequences;

namespace Workbench.Notebooks;

/// <summary>
/// A sentence VAE or its language-model baseline trained in a notebook (<c>Lab.TrainSequenceVae</c>, <c>Lab.TrainLanguageModel</c>),
/// in memory: the model, how it was trained, its epochs and every optimizer step's loss terms. Displays as its training chart
/// (−ELBO, KL, KL weight) followed by the table of epochs.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<SequenceRun>), PreferredMimeTypes = ["text/html"])]
public sealed class SequenceRun : IHtmlDisplayable
{
    internal SequenceRun(string name, Module model, SequenceTrainingOptions options, IReadOnlyList<SequenceEpochMetrics> history,
        IReadOnlyList<SequenceStepMetrics> steps, TimeSpan elapsed, Vocabulary vocabulary)
    {
        Vocabulary = vocabulary;
        Name = name;
        Model = model;
        Options = options;
        History = history;
        Steps = steps;
        Elapsed = elapsed;
    }

    /// <summary>Label of legends and tables.</summary>
    public string Name { get; }

    /// <summary>The trained <see cref="SequenceVae"/> or <see cref="RnnLanguageModel"/>.</summary>
    public Module Model { get; }

    /// <summary>The model as a sentence VAE; null for a language model.</summary>
    public SequenceVae? Vae => Model as SequenceVae;

    /// <summary>The model as a language model; null for a VAE.</summary>
    public RnnLanguageModel? LanguageModel => Model as RnnLanguageModel;

    /// <summary>The model's sizes, word dropout and KL schedule.</summary>
    public SequenceVaeConfig Config => Vae?.Config ?? LanguageModel!.Config;

    public SequenceTrainingOptions Options { get; }

    /// <summary>One entry per epoch.</summary>
    public IReadOnlyList<SequenceEpochMetrics> History { get; }

    /// <summary>One entry per optimizer step.</summary>
    public IReadOnlyList<SequenceStepMetrics> Steps { get; }

    /// <summary>The vocabulary of the sentences it was trained on (what its token ids mean).</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Wall time of the training.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The sentence VAE, or an error naming this run when it is a language model.</summary>
    public SequenceVae RequireVae() =>
        Vae ?? throw new ArgumentException($"'{Name}' is a language model; this needs a sentence VAE (Lab.TrainSequenceVae).");

    /// <summary>
    /// The step log averaged over consecutive blocks of <paramref name="stepsPerPoint"/> steps (about 100 points when null), x in
    /// epochs: −ELBO and KL per sentence, β at the block's last step (null KL and β for a language model).
    /// </summary>
    public SequenceTrainingSeries TrainingSeries(int? stepsPerPoint = null)
    {
        int block = stepsPerPoint ?? Math.Max(1, Steps.Count / 100);
        if (block < 1) throw new ArgumentOutOfRangeException(nameof(stepsPerPoint), block, "At least one step per point.");
        var x = new List<double>();
        var elbo = new List<double>();
        var kl = new List<double>();
        var weight = new List<double>();
        for (int start = 0; start < Steps.Count; start += block)
        {
            var part = Steps.Skip(start).Take(block).ToList();
            var last = part[^1];
            x.Add((last.Epoch - 1) + (double)last.Batch / last.BatchesPerEpoch);
            elbo.Add(part.Average(s => s.NegativeElbo));
            kl.Add(part.Average(s => s.Kl));
            weight.Add(last.KlWeight);
        }
        bool isVae = Vae is not null;
        return new SequenceTrainingSeries(Name, DataArray.Of(x), DataArray.Of(elbo), isVae ? DataArray.Of(kl) : null, isVae ? DataArray.Of(weight) : null);
    }

    /// <summary>The training chart of this run alone.</summary>
    public Figure TrainingFigure() => VaeCharts.SequenceTraining([TrainingSeries()], $"{Name}: training");

    /// <summary>The epochs as a table (nats per sentence).</summary>
    public HtmlTable Metrics()
    {
        var table = new HtmlTable(["epoch", "steps", "train loss", "reconstruction", "KL", "KL weight", "validation NLL bound", "per word", "seconds"],
            $"{Name}: training history (nats per sentence)");
        foreach (var m in History)
            table.AddRow(m.Epoch, m.Step, m.TrainLoss, m.TrainReconstruction, m.TrainKl, m.KlWeight, m.ValidationNll, m.ValidationNllPerWord, m.Seconds);
        return table;
    }

    public string ToHtml() => new StringBuilder(TrainingFigure().ToHtml()).Append(Metrics().ToHtml()).ToString();

    public override string ToString() =>
        History.Count == 0 ? $"{Name}: not trained" : $"{Name}: {History.Count} epochs, {Steps.Count} steps; last epoch's train loss {History[^1].TrainLoss:F2} nats per sentence";
}
