using System.Globalization;
using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// What <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/> share, as PyTorch's <c>_BatchNorm</c>: the affine
/// parameters "weight" (γ, ones) and "bias" (β, zeros), and the buffers "running_mean" (zeros), "running_var"
/// (ones) and "num_batches_tracked" (0) under PyTorch's state-dict names. The state dict holds float tensors
/// only, so num_batches_tracked is a float scalar here (exact up to 2²⁴ steps) where PyTorch's is an int64.
/// In training mode a forward pass normalises with the batch's statistics and updates the running ones; in
/// evaluation mode (<see cref="Module.Eval"/>) it normalises with the running statistics.
/// </summary>
public abstract class BatchNormLayer : Module<Tensor, Tensor>, IReluFusable, ILeakyReluFusable
{
    /// <param name="features">C, the channels normalised separately (axis 1 of the input).</param>
    /// <param name="eps">ε added to the variance.</param>
    /// <param name="momentum">Weight of each batch in the running statistics; null for their cumulative average (1/steps).</param>
    /// <param name="affine">Whether γ and β are learned parameters.</param>
    /// <param name="trackRunningStats">Whether running statistics are kept; without them evaluation uses the batch's statistics too.</param>
    protected BatchNormLayer(int features, double eps, double? momentum, bool affine, bool trackRunningStats)
    {
        string layer = GetType().Name;
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), $"{layer} needs at least one feature, got {features}.");
        if (!(eps >= 0) || double.IsInfinity(eps)) throw new ArgumentOutOfRangeException(nameof(eps), $"{layer}: eps must be a finite number ≥ 0, got {eps}.");
        if (momentum is { } m && !(m is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), $"{layer}: momentum must be in [0, 1] or null, got {m}.");
        Features = features;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(features)); // (C)
            Bias = RegisterParameter("bias", Tensor.Zeros(features));    // (C)
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(features)); // (C)
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(features));    // (C)
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Scalar(0f));
        }
    }

    /// <summary>C.</summary>
    public int Features { get; }

    public double Eps { get; }

    /// <summary>The running statistics' momentum, or null for a cumulative average.</summary>
    public double? Momentum { get; }

    /// <summary>γ (C), or null when not affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>β (C), or null when not affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>(C), or null when running statistics are not tracked.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>(C) unbiased variances, or null when running statistics are not tracked.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Training batches seen (a float scalar), or null when running statistics are not tracked.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Throws unless <paramref name="input"/> has a shape this layer normalises.</summary>
    protected abstract void CheckInput(Tensor input);

    /// <summary>(N, C, …) → same shape.</summary>
    public override Tensor Forward(Tensor input) => Run(input, activate: false, negativeSlope: 0f);

    Tensor IReluFusable.ForwardRelu(Tensor input) => Run(input, activate: true, negativeSlope: 0f);

    Tensor ILeakyReluFusable.ForwardLeakyRelu(Tensor input, float negativeSlope) => Run(input, activate: true, negativeSlope);

    private Tensor Run(Tensor input, bool activate, float negativeSlope)
    {
        CheckInput(input);
        if (input.Dim(1) != Features)
            throw new ArgumentException($"{GetType().Name}({Features}): input {Tensor.ShapeText(input.Dims)} has {input.Dim(1)} channels on axis 1, expected {Features}.");
        double factor = Momentum ?? 0;
        if (Training && NumBatchesTracked is not null)
        {
            NumBatchesTracked.Span[0] += 1f;
            if (Momentum is null) factor = 1.0 / NumBatchesTracked.Span[0];
        }
        // Without running statistics, evaluation normalises with the batch's statistics as training does.
        bool batchStatistics = Training || RunningMean is null;
        return activate
            ? Tensor.BatchNormLeakyRelu(input, RunningMean, RunningVar, Weight, Bias, batchStatistics, factor, Eps, negativeSlope)
            : Tensor.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, batchStatistics, factor, Eps);
    }

    protected override string ExtraRepr()
    {
        string momentum = Momentum is { } m ? m.ToString(CultureInfo.InvariantCulture) : "None";
        return $"{Features}, eps={Eps.ToString(CultureInfo.InvariantCulture)}, momentum={momentum}, affine={(Weight is null ? "False" : "True")}, " +
               $"track_running_stats={(RunningMean is null ? "False" : "True")}";
    }
}

/// <summary>A layer whose output can go through a leaky ReLU (slope in [0, 1]) inside its own op (see <see cref="Sequential.Forward"/>).</summary>
public interface ILeakyReluFusable
{
    /// <summary>Exactly the values of <c>Forward(input).LeakyRelu(negativeSlope)</c>, computed in one op.</summary>
    Tensor ForwardLeakyRelu(Tensor input, float negativeSlope);
}
