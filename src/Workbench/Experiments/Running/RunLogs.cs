using System.Globalization;
using System.Text.Json.Nodes;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.IO.TensorBoard;
using Workbench.Models;
using Workbench.Models.Kl;
using Workbench.Training;

namespace Workbench.Experiments.Running;

/// <summary>
/// What a run logs while it trains, besides its per-epoch metrics: per-step curves (<c>steps.jsonl</c>,
/// <c>steps.csv</c>) and TensorBoard event files in <c>tb/</c> — per-step scalars, per-epoch train and
/// test ELBO terms, KL per latent dimension, 8 reconstructions and 16 prior samples per epoch, and the run's
/// hyperparameters for the HParams dashboard, so <c>tensorboard --logdir results/&lt;experiment&gt;</c>
/// compares the runs of a grid.
/// </summary>
public sealed class RunLogs : IDisposable
{
    public const string TensorBoardDirectory = "tb";

    private readonly RunFolder _folder;
    private readonly VariationalAutoencoder _model;
    private readonly ImageDataset _test;
    private readonly ulong _seed;
    private readonly EventFileWriter _events;

    private RunLogs(Trainer trainer, VariationalAutoencoder model, RunFolder folder, RunSpec run, ImageDataset test, int pointsPerEpoch)
    {
        _folder = folder;
        _model = model;
        _test = test;
        _seed = run.Definition.Training.Seed;
        int epochs = run.Definition.Training.Epochs;
        var penalty = run.Definition.Model.ResolveKlPenalty();
        Steps = new StepLog(pointsPerEpoch,
            (step, batchesPerEpoch) => penalty is CapacityAnnealing capacity
                ? capacity.Capacity(new TrainingProgress(step - 1, batchesPerEpoch * epochs)) : null,
            () => trainer.Optimizer.LearningRate);
        Steps.Continue(StepLog.Read(folder.Path));
        _events = new EventFileWriter(Path.Combine(folder.Path, TensorBoardDirectory));
        _events.SessionStart(HParams(run), groupName: run.Id);
        _events.Flush();

        trainer.BatchCompleted += Steps.Add;
        Steps.PointLogged += point =>
        {
            var scalars = new List<(string, double)>
            {
                ("train/loss", point.Loss), ("train/reconstruction", point.Reconstruction), ("train/kl", point.Kl),
                ("train/kl_weight", point.KlWeight), ("train/learning_rate", point.LearningRate),
            };
            if (point.KlTarget is { } target) scalars.Add(("train/kl_target", target));
            _events.Scalars(point.Step, scalars);
        };
        trainer.EpochCompleted += EpochDone;
    }

    /// <summary>The per-step log.</summary>
    public StepLog Steps { get; }

    /// <summary>Starts logging <paramref name="trainer"/>'s training of <paramref name="model"/> into <paramref name="folder"/>.</summary>
    /// <param name="pointsPerEpoch">About how many per-step points to log each epoch.</param>
    public static RunLogs Attach(Trainer trainer, VariationalAutoencoder model, RunFolder folder, RunSpec run, ImageDataset test, int pointsPerEpoch = 50) =>
        new(trainer, model, folder, run, test, pointsPerEpoch);

    /// <summary>The run's final test results, then the HParams session end.</summary>
    public void Finish(RunSummary summary, long step)
    {
        var scalars = new List<(string, double)>
        {
            ("final/test_negative_elbo", summary.TestNegativeElbo), ("final/test_reconstruction", summary.TestReconstruction),
            ("final/test_kl", summary.TestKl), ("final/active_units", summary.ActiveUnits),
        };
        if (summary.ImportanceWeightedBound is { } bound) scalars.Add(("final/importance_weighted_bound", bound));
        _events.Scalars(step, scalars);
        _events.SessionEnd(succeeded: true);
        _events.Flush();
    }

    /// <summary>Writes the per-step log so far (also when training stops early).</summary>
    public void Save() => Steps.Write(_folder.Path);

    public void Dispose() => _events.Dispose();

    private void EpochDone(EpochMetrics m)
    {
        Save();
        long step = m.Step;
        var scalars = new List<(string, double)>
        {
            ("epoch/train_loss", m.TrainLoss), ("epoch/train_reconstruction", m.TrainReconstruction), ("epoch/train_kl", m.TrainKl),
        };
        if (m.TestNegativeElbo is { } elbo)
            scalars.AddRange([("epoch/test_reconstruction", m.TestReconstruction!.Value), ("epoch/test_kl", m.TestKl!.Value), ("epoch/test_negative_elbo", elbo)]);
        for (int d = 0; d < m.KlPerDimension.Length; d++) scalars.Add(($"kl_per_dimension/{LatentDimensions.Name(d)}", m.KlPerDimension[d]));
        _events.Scalars(step, scalars);
        // Pictures of the model as evaluated (dropout off); training continues in the mode it had.
        bool wasTraining = _model.Training;
        _model.Eval();
        try
        {
            Image("images/reconstructions", step, Pictures.ReconstructionPairs(_model, _test, count: 8, columns: 8), 8);
            Image("images/samples", step, Pictures.PriorSamples(_model, 16, _seed), 8);
        }
        finally
        {
            _model.Train(wasTraining);
        }
        _events.Flush();
    }

    private void Image(string tag, long step, Tensors.Tensor batch, int columns)
    {
        // Scale 1 (TensorBoard zooms): a run's event files stay a few hundred kB over tens of epochs.
        var grid = PictureGrids.Grid(_model, batch, columns, scale: 1);
        _events.Image(tag, step, grid.ToPng(), grid.Width, grid.Height, grid.Channels);
    }

    /// <summary>
    /// The hyperparameters the HParams dashboard shows: the grid's overrides (its own names, e.g.
    /// <c>model.beta</c>) and the settings every run has.
    /// </summary>
    internal static Dictionary<string, object> HParams(RunSpec run)
    {
        var d = run.Definition;
        var hparams = new Dictionary<string, object>
        {
            ["variant"] = d.Model.VariantName,
            ["objective"] = System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(d.Model.Objective.ToString()),
            ["kl_penalty"] = d.Model.ResolveKlPenalty().Describe(),
            ["latent_size"] = d.Model.LatentSize,
            ["epochs"] = d.Training.Epochs,
            ["batch_size"] = d.Training.BatchSize,
            ["learning_rate"] = double.Parse(d.Training.LearningRate.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            ["seed"] = (double)d.Training.Seed,
        };
        if (d.Model.ResolveKlPenalty().FinalWeight is { } beta) hparams["beta"] = beta;
        foreach (var (path, value) in run.Overrides) hparams[path] = Scalar(value);
        return hparams;
    }

    private static object Scalar(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out double x) => x,
        JsonValue v when v.TryGetValue(out string? s) => s!,
        null => "null",
        _ => value.ToJsonString(),
    };
}
