using System.Diagnostics;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.SemiSupervised;
using Workbench.Optim;
using Workbench.Tensors;

namespace Workbench.Training;

/// <summary>
/// Trains any <see cref="VariationalAutoencoder"/> (configured or composed by hand) with its own
/// objective on minibatches, by Adam unless another optimizer is given; seeded and reproducible: the same seed and thread
/// count give identical metrics, and a run resumed from a checkpoint (at an epoch boundary or
/// mid-epoch after a cancellation) continues exactly as an uninterrupted one.
/// </summary>
/// <remarks>
/// Randomness comes from generators derived from (seed, epoch): the epoch's shuffle, ε and
/// the shuffle, so an epoch's stream never depends on what came before it. Random layers (dropout)
/// draw from the ε generator, which each step makes the <see cref="ForwardRandom"/> stream.
/// Each step runs in a <see cref="TensorScope"/> over one <see cref="BufferPool"/>: after the first
/// step, steps allocate no tensor storage.
/// </remarks>
public sealed class Trainer
{
    private readonly VariationalAutoencoder _model;
    private readonly TrainingOptions _options;
    private readonly BufferPool _pool = new();

    /// <param name="optimizer">Updates the model's parameters; null for <c>options.Optimizer</c> (Adam when absent) at <c>options.LearningRate</c>.
    /// Its state is saved in checkpoints and restored on resume.</param>
    public Trainer(VariationalAutoencoder model, TrainingOptions options, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        _options = options;
        _customStep = model as ICustomTrainingStep;
        if (_customStep is not null && (optimizer is not null || options.Optimizer is not null || options.ClipGradientNorm is not null))
            throw new ArgumentException($"{model.GetType().Name} runs its own training step with its own optimizers: leave the optimizer and gradient clipping out.");
        Optimizer = optimizer ?? _customStep?.CreateOptimizer() ?? options.Optimizer?.Build(model.Parameters(), options.LearningRate) ?? new Adam(model.Parameters(), options.LearningRate);
        _controls = new EpochControls(options, Optimizer);
    }

    private readonly EpochControls _controls;
    private readonly ICustomTrainingStep? _customStep;
    private LabelledStream? _labelled;

    /// <summary>The learning-rate schedule of <see cref="TrainingOptions.LearningRateSchedule"/>, stepped after every epoch; null without one.</summary>
    public Optim.Schedules.LRScheduler? Scheduler => _controls.Scheduler;

    /// <summary>The optimizer over the model's parameters (for a model with its own step, the one it made: <see cref="ICustomTrainingStep.CreateOptimizer"/>).</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Raised after every optimizer step.</summary>
    public event Action<BatchMetrics>? BatchCompleted;

    /// <summary>Every finished epoch of the run, those before a resume included (filled by <see cref="Fit(ImageDataset, ImageDataset?, CancellationToken)"/>).</summary>
    public IReadOnlyList<EpochMetrics> History => _history;
    private List<EpochMetrics> _history = [];

    /// <summary>Raised when <see cref="Fit(ImageDataset, ImageDataset?, CancellationToken)"/> continues from a checkpoint, with the epochs it had finished.</summary>
    public event Action<IReadOnlyList<EpochMetrics>>? Resumed;

    /// <summary>Raised after every epoch (after the test evaluation and the checkpoint).</summary>
    public event Action<EpochMetrics>? EpochCompleted;

    /// <summary>
    /// Trains on <paramref name="train"/>, evaluating on <paramref name="test"/> after each epoch.
    /// Cancelling stops after the current step and writes a checkpoint to resume from.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; the last good checkpoint is kept.</exception>
    public TrainingResult Fit(ImageDataset train, ImageDataset? test = null, CancellationToken cancellation = default) =>
        Fit(train, test, labelled: null, cancellation);

    /// <summary>
    /// Semi-supervised training (e.g. <see cref="Models.SemiSupervised.SemiSupervisedVae"/>): every step takes one batch of
    /// <paramref name="train"/> with its labels hidden (no condition) and one batch of the <paramref name="labelled"/> images,
    /// cycled in seeded passes of their own (<see cref="VaeBatch.Labelled"/>, min(batch size, N_l) images). A labelled
    /// step's batch depends on (seed, step) alone, so resuming continues it exactly. Null trains as <see cref="Fit(ImageDataset, ImageDataset?, CancellationToken)"/>.
    /// </summary>
    public TrainingResult Fit(ImageDataset train, ImageDataset? test, ImageDataset? labelled, CancellationToken cancellation = default)
    {
        if (labelled is { Count: 0 }) throw new ArgumentException("The labelled set is empty.");
        _labelled = labelled is null ? null : new LabelledStream(labelled, _options.BatchSize, _options.Seed);
        if (train.Count == 0) throw new ArgumentException("The training set is empty.");
        if (train.ValuesPerImage != _model.Pixels)
            throw new ArgumentException($"The training images have {train.ValuesPerImage} values ({train.ShapeText()}) but the model expects {_model.Pixels} ({_model.ImageShapeText}).");

        var (trainSet, split) = _controls.Split(train);
        var state = ResumeOrStart();
        _history = state.History; // the same list the loop appends to
        if (state.Step > 0) Resumed?.Invoke(_history);
        int resumedFrom = state.Epoch;
        if (_controls.Stopped) return Result(state.History, resumedFrom, stopped: false, split);
        train = trainSet;
        var loader = new DataLoader(train, _options.BatchSize, _options.Seed,
            transform: _options.DynamicBinarization ? new DynamicBinarization(BinarizationSeed(_options.Seed)) : null);
        int batchesPerEpoch = loader.BatchesPerEpoch;
        long totalSteps = (long)batchesPerEpoch * _options.Epochs;
        using var progress = TrainingProgressBar.Create(_options.ShowProgress, totalSteps, state.Step, _options.Epochs);
        _model.Train();

        for (int epoch = state.Epoch + 1; epoch <= _options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var noise = new Rng(NoiseSeed(_options.Seed, epoch));
            var sums = new EpochSums(_model.LatentSize);
            int firstBatch = 0;
            if (state.BatchInEpoch > 0 && epoch == state.Epoch + 1)
            {
                noise.Restore(state.NoiseRngState!);
                sums = EpochSums.FromArray(state.PartialSums!, _model.LatentSize, state.PartialTerms);
                firstBatch = state.BatchInEpoch;
            }

            foreach (var batch in loader.Epoch(epoch, firstBatch))
            {
                if (cancellation.IsCancellationRequested)
                {
                    var interrupted = state with
                    {
                        Epoch = epoch - 1, BatchInEpoch = batch.BatchIndex, NoiseRngState = noise.SaveState(), PartialSums = sums.ToArray(), PartialTerms = sums.TermSums(),
                    };
                    WriteCheckpoint(interrupted, epoch);
                    return Result(interrupted.History, resumedFrom, stopped: true, split);
                }
                var metrics = Step(batch, noise, new TrainingProgress(state.Step, totalSteps), sums, train.Count);
                state = state with { Step = state.Step + 1 };
                var batchMetrics = new BatchMetrics(epoch, batch.BatchIndex + 1, batchesPerEpoch, state.Step, metrics.Loss, metrics.Reconstruction, metrics.Kl, metrics.KlWeight);
                progress.Report(batchMetrics);
                BatchCompleted?.Invoke(batchMetrics);
            }

            var epochMetrics = _controls.Measure(FinishEpoch(epoch, state.Step, sums, test, clock), _model, split?.Validation, _pool, clock);
            bool stopEarly = _controls.EndEpoch(epochMetrics);
            state = _controls.Into(state with { Epoch = epoch, BatchInEpoch = 0, NoiseRngState = null, PartialSums = null, PartialTerms = null });
            state.History.Add(epochMetrics);
            if (_options.CheckpointEvery > 0 && (epoch % _options.CheckpointEvery == 0 || epoch == _options.Epochs || stopEarly)) WriteCheckpoint(state, epoch);
            progress.EpochDone(epochMetrics);
            EpochCompleted?.Invoke(epochMetrics);
            if (stopEarly) break;
        }
        return Result(state.History, resumedFrom, stopped: false, split);
    }

    private TrainingResult Result(List<EpochMetrics> history, int resumedFrom, bool stopped, ValidationSplit? split) =>
        new(history, resumedFrom, stopped) { EarlyStopping = _controls.EarlyStopping, ValidationIndices = split?.ValidationIndices };

    private (double Loss, double Reconstruction, double Kl, double KlWeight) Step(Batch batch, Rng noise, TrainingProgress progress, EpochSums sums, int datasetSize)
    {
        using var scope = TensorScope.Begin(_pool);
        // Random layers (dropout) draw from the epoch's noise stream, after ε: its checkpointed state covers them.
        using var random = ForwardRandom.Use(noise);
        var condition = _labelled is null ? _model.Conditioning.FromLabels(batch.Labels) : null; // semi-supervised: labels hidden
        var input = new VaeBatch(batch.Images, _model.Noise(batch.Size, noise), condition, progress, datasetSize);
        if (_labelled is { } stream)
        {
            var (images, labels) = stream.Batch(progress.Step);
            input = input with { Labelled = new LabelledBatch(images, labels, Tensor.Randn(noise, labels.Length, _model.LatentSize), stream.Images.Count) };
        }
        VaeOutput output;
        float loss;
        if (_customStep is not null)
        {
            output = _customStep.TrainingStep(input, Optimizer); // its own losses, gradients and updates
            loss = output.Loss.Item();
            if (!float.IsFinite(loss))
                throw Diverged($"The loss became {loss} at epoch {batch.Epoch}, step {progress.Step + 1} (reconstruction {output.ReconstructionTerm.Item()}, KL {output.KlTerm.Item()}).");
        }
        else
        {
            output = _model.Forward(input);
            loss = output.Loss.Item();
            if (!float.IsFinite(loss))
                throw Diverged($"The loss became {loss} at epoch {batch.Epoch}, step {progress.Step + 1} (reconstruction {output.ReconstructionTerm.Item()}, KL {output.KlTerm.Item()}).");
            Optimizer.ZeroGrad();
            output.Loss.Backward();
            if (_options.ClipGradientNorm is { } maxNorm) GradientClipping.ClipByGlobalNorm(_model.Parameters(), maxNorm);
            Optimizer.Step();
        }
        sums.Add(output, batch.Size);
        return (loss, output.ReconstructionTerm.Item(), output.KlTerm.Item(), output.KlWeight);
    }

    private EpochMetrics FinishEpoch(int epoch, long step, EpochSums sums, ImageDataset? test, Stopwatch clock)
    {
        var modelMeasures = (_model as IEpochMeasures)?.TakeEpochMeasures(); // before the test pass (which does not count)
        ElboEvaluation? testResult = test is not null && _options.EvaluateEachEpoch
            ? Evaluator.Elbo(_model, test, seed: _options.Seed, pool: _pool)
            : null;
        return new EpochMetrics
        {
            Epoch = epoch,
            Step = step,
            TrainLoss = sums.Loss / sums.Images,
            TrainReconstruction = sums.Reconstruction / sums.Images,
            TrainKl = sums.Kl / sums.Images,
            KlWeight = sums.LastKlWeight,
            KlTarget = sums.LastKlTarget,
            TestLoss = testResult?.Loss,
            TestReconstruction = testResult?.Reconstruction,
            TestKl = testResult?.Kl,
            KlPerDimension = testResult?.KlPerDimension ?? sums.MeanKlPerDimension(),
            TestClassificationError = test is not null && _options.EvaluateEachEpoch && _model is ILabelPredictor classifier
                ? ClassificationError.Evaluate(classifier, test)
                : null,
            Terms = sums.MeanTerms(),
            Seconds = clock.Elapsed.TotalSeconds,
            ModelMeasures = modelMeasures,
        };
    }

    /// <summary>Stream id mixed into (seed, epoch) for the ε draws, apart from the shuffle's stream.</summary>
    private const int NoiseStream = 1;

    /// <summary>Stream id of the binarization seed.</summary>
    private const int BinarizationStream = 2;

    /// <summary>Seed of epoch <paramref name="epoch"/>'s ε generator.</summary>
    internal static ulong NoiseSeed(ulong seed, int epoch) => SeedMix.Combine(seed, epoch, NoiseStream);

    /// <summary>
    /// Seed handed to <see cref="DynamicBinarization"/>, which mixes in (epoch, image index). Derived
    /// from the run seed rather than equal to it: otherwise image 1's pixels in each epoch would be drawn
    /// from the very generator that draws that epoch's ε (both (seed, epoch, 1)).
    /// </summary>
    internal static ulong BinarizationSeed(ulong seed) => SeedMix.Combine(seed, BinarizationStream);

    private TrainingCheckpoint ResumeOrStart()
    {
        string dataStream = $"seed {_options.Seed}, batch size {_options.BatchSize}, dynamic binarization {_options.DynamicBinarization}" + _controls.DataStreamSuffix
            + (_labelled is { } stream ? $", {stream.Images.Count} labelled images" : "");
        var fresh = new TrainingCheckpoint(0, 0, 0, null, null, []) { DataStream = dataStream };
        if (_options.CheckpointDirectory is not { } directory || !_options.Resume) return fresh;
        var latest = TrainingCheckpoint.Latest(directory);
        if (latest is null) return fresh;
        var state = TrainingCheckpoint.Load(latest, _model, Optimizer);
        if (state.DataStream is { } saved && saved != dataStream)
            throw new InvalidDataException($"{latest}: the checkpoint was trained with {saved}, but these options give {dataStream}; " +
                "resume with the same values, or set Resume = false (or another CheckpointDirectory) to start a new run.");
        _controls.From(state, latest);
        return state with { DataStream = dataStream };
    }

    private void WriteCheckpoint(TrainingCheckpoint state, int epoch)
    {
        if (_options.CheckpointDirectory is not { } directory) return;
        // The last step's loss was finite but its update may not have been: never save such a state
        // over the last good checkpoint.
        foreach (var (name, parameter) in _model.NamedParameters())
            foreach (float value in parameter.Span)
                if (!float.IsFinite(value))
                    throw Diverged($"Parameter '{name}' became {value} by epoch {epoch}, step {state.Step}; no checkpoint was written for it.");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, TrainingCheckpoint.FileName(state.Epoch, state.BatchInEpoch));
        state.Save(path, _model, Optimizer);
        // Keep only the newest checkpoint: it holds everything the older ones did.
        foreach (var old in Directory.EnumerateFiles(directory, "epoch-*.safetensors"))
            if (!string.Equals(Path.GetFullPath(old), Path.GetFullPath(path), StringComparison.Ordinal)) File.Delete(old);
    }

    private TrainingDivergedException Diverged(string what) => new(
        what + " " +
        (_options.CheckpointDirectory is { } dir && TrainingCheckpoint.Latest(dir) is { } last
            ? $"The last good checkpoint is {last}."
            : "No checkpoint was written before it.") +
        " Try a lower learning rate or gradient clipping.");
}

/// <summary>Training stopped because the loss stopped being a finite number.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
