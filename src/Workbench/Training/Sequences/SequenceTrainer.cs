using System.Diagnostics;
using Workbench.Data;
using Workbench.Data.Text;
using Workbench.Evaluation.Sequences;
using Workbench.Models;
using Workbench.Models.Sequences;
using Workbench.NN;
using Workbench.Optim;
using Workbench.Tensors;

namespace Workbench.Training.Sequences;

/// <summary>
/// Trains a <see cref="SequenceVae"/> or its <see cref="RnnLanguageModel"/> baseline by Adam on shuffled minibatches of
/// sentences, seeded and reproducible: the same seed and thread count give the same bits.
/// </summary>
/// <remarks>
/// As <see cref="Trainer"/>: epoch e's shuffle comes from (seed, e) (<see cref="SequenceLoader"/>), its ε and word-dropout
/// draws from one generator seeded by (seed, e, 1), made the <see cref="ForwardRandom"/> stream of every step, so an epoch's
/// numbers never depend on what came before it beyond the parameters. Each step runs in a <see cref="TensorScope"/> over one
/// <see cref="BufferPool"/>. The KL annealing reads the step count, which runs on across <see cref="TrainEpoch"/> calls.
/// </remarks>
public sealed class SequenceTrainer
{
    private readonly Module _model;
    private readonly SequenceVae? _vae;
    private readonly RnnLanguageModel? _languageModel;
    private readonly SequenceTrainingOptions _options;
    private readonly BufferPool _pool = new();

    /// <summary>Trains the sequence VAE.</summary>
    public SequenceTrainer(SequenceVae model, SequenceTrainingOptions options) : this((Module)model, options) => _vae = model;

    /// <summary>Trains the language-model baseline (same options, same budget).</summary>
    public SequenceTrainer(RnnLanguageModel model, SequenceTrainingOptions options) : this((Module)model, options) => _languageModel = model;

    private SequenceTrainer(Module model, SequenceTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        _options = options;
        Optimizer = new Adam(model.Parameters(), options.LearningRate);
    }

    /// <summary>Adam over the model's parameters.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Optimizer steps taken so far (what the KL annealing reads).</summary>
    public long Step { get; private set; }

    /// <summary>Raised after every optimizer step with (epoch, batch in epoch, batches per epoch, loss of the step).</summary>
    public event Action<int, int, int, double>? BatchCompleted;

    /// <summary>Raised after every optimizer step with the step's loss terms and KL weight (what a training chart draws).</summary>
    public event Action<SequenceStepMetrics>? StepCompleted;

    /// <summary>Raised after every epoch of <see cref="Fit"/>.</summary>
    public event Action<SequenceEpochMetrics>? EpochCompleted;

    /// <summary>
    /// Trains <see cref="SequenceTrainingOptions.Epochs"/> epochs on <paramref name="train"/>, evaluating on
    /// <paramref name="validation"/> after each (when given and <see cref="SequenceTrainingOptions.EvaluateEachEpoch"/>). Stops after
    /// the current epoch when <paramref name="cancellation"/> fires.
    /// </summary>
    public IReadOnlyList<SequenceEpochMetrics> Fit(SequenceDataset train, SequenceDataset? validation = null, CancellationToken cancellation = default)
    {
        var history = new List<SequenceEpochMetrics>();
        for (int epoch = 1; epoch <= _options.Epochs && !cancellation.IsCancellationRequested; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var metrics = TrainEpoch(train, epoch);
            if (validation is not null && _options.EvaluateEachEpoch) metrics = Validate(metrics, validation);
            metrics = metrics with { Seconds = clock.Elapsed.TotalSeconds };
            history.Add(metrics);
            EpochCompleted?.Invoke(metrics);
        }
        return history;
    }

    /// <summary>
    /// One epoch over <paramref name="train"/> (shuffled by (seed, <paramref name="epoch"/>)): one Adam step per batch. Returns
    /// the epoch's training means, without validation. The benchmark times this call.
    /// </summary>
    public SequenceEpochMetrics TrainEpoch(SequenceDataset train, int epoch)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        if (epoch < 1) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "Epochs count from 1.");
        int vocabulary = _vae?.Config.VocabularySize ?? _languageModel!.Config.VocabularySize;
        if (train.Vocabulary.Count != vocabulary)
            throw new ArgumentException($"The sentences use a vocabulary of {train.Vocabulary.Count} ids but the model was built for {vocabulary}.", nameof(train));
        var clock = Stopwatch.StartNew();
        var loader = new SequenceLoader(train, _options.BatchSize, _options.Seed);
        long totalSteps = (long)loader.BatchesPerEpoch * _options.Epochs;
        var noise = new Rng(NoiseSeed(_options.Seed, epoch));
        double loss = 0, reconstruction = 0, kl = 0;
        float weight = 0;
        _model.Train();
        foreach (var data in loader.Epoch(epoch))
        {
            var batch = data.ToTokenBatch();
            var step = TrainStep(batch, noise, new TrainingProgress(Step, totalSteps));
            if (!double.IsFinite(step.Loss))
                throw new TrainingDivergedException($"The loss became {step.Loss} at epoch {epoch}, step {Step + 1} (reconstruction {step.Reconstruction}, KL {step.Kl}).");
            Step++;
            loss += step.Loss * batch.Size;
            reconstruction += step.Reconstruction * batch.Size;
            kl += step.Kl * batch.Size;
            weight = step.KlWeight;
            BatchCompleted?.Invoke(epoch, data.BatchIndex + 1, loader.BatchesPerEpoch, step.Loss);
            StepCompleted?.Invoke(new SequenceStepMetrics(Step, epoch, data.BatchIndex + 1, loader.BatchesPerEpoch, step.Loss, step.Reconstruction, step.Kl, step.KlWeight));
        }
        int n = train.Count;
        return new SequenceEpochMetrics(epoch, Step, loss / n, reconstruction / n, kl / n, weight, null, null, null, clock.Elapsed.TotalSeconds);
    }

    private (double Loss, double Reconstruction, double Kl, float KlWeight) TrainStep(TokenBatch batch, Rng noise, TrainingProgress progress)
    {
        using var scope = TensorScope.Begin(_pool);
        using var random = ForwardRandom.Use(noise); // word dropout draws after ε, from the same epoch stream
        Tensor loss;
        (double, double, double, float) result;
        if (_vae is not null)
        {
            var output = _vae.Forward(new SequenceVaeBatch(batch, Tensor.Randn(noise, batch.Size, _vae.LatentSize), progress));
            loss = output.Loss;
            result = (loss.Item(), output.Reconstruction.Item(), output.Kl.Item(), output.KlWeight);
        }
        else
        {
            loss = _languageModel!.Forward(batch).Loss;
            result = (loss.Item(), loss.Item(), 0, 0f);
        }
        if (!double.IsFinite(result.Item1)) return result;
        Optimizer.ZeroGrad();
        loss.Backward();
        if (_options.ClipGradientNorm is { } maxNorm) GradientClipping.ClipByGlobalNorm(_model.Parameters(), maxNorm);
        Optimizer.Step();
        return result;
    }

    private SequenceEpochMetrics Validate(SequenceEpochMetrics metrics, SequenceDataset validation)
    {
        if (_vae is not null)
        {
            var elbo = SequenceEvaluation.Elbo(_vae, validation, seed: _options.Seed);
            return metrics with { ValidationNll = elbo.NllBoundPerSentence, ValidationNllPerWord = elbo.NllBoundPerWord, ValidationKl = elbo.Kl };
        }
        var nll = SequenceEvaluation.LanguageModel(_languageModel!, validation);
        return metrics with { ValidationNll = nll.NllPerSentence, ValidationNllPerWord = nll.NllPerWord };
    }

    /// <summary>Stream id mixed into (seed, epoch) for ε and word dropout, apart from the shuffle's stream (as <see cref="Trainer"/>).</summary>
    private const int NoiseStream = 1;

    /// <summary>Seed of epoch <paramref name="epoch"/>'s ε and word-dropout generator.</summary>
    internal static ulong NoiseSeed(ulong seed, int epoch) => SeedMix.Combine(seed, epoch, NoiseStream);
}
