using Workbench.IO;
using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Optim;

/// <summary>
/// Reads optim.safetensors (tests/fixtures-gen/optim.py): parameters a (37) and b (5×3), four steps of gradients and
/// PyTorch's parameters after each step of every optimizer case; and each schedule's learning rates over 30 epochs.
/// </summary>
internal static class OptimOracle
{
    public const int Steps = 4, Epochs = 30;

    private static readonly Lazy<SafeTensorsFile> File = new(() => FixtureFiles.Load("optim.safetensors"));

    public static Tensor Tensor(string name) => File.Value.Tensors[name];

    /// <summary>Fresh copies of the two initial parameters.</summary>
    public static (Tensor A, Tensor B) Parameters() => (Tensor("param.a").Clone(), Tensor("param.b").Clone());

    /// <summary>Runs steps [from, to) of <paramref name="optimizer"/>, whose parameters are a and b in that order.</summary>
    public static void Run(Optimizer optimizer, int from, int to)
    {
        for (int step = from; step < to; step++)
        {
            optimizer.ZeroGrad();
            optimizer.Parameters[0].Grad = Tensor($"grad.{step}.a").Clone();
            optimizer.Parameters[1].Grad = Tensor($"grad.{step}.b").Clone();
            optimizer.Step();
        }
    }

    /// <summary>Steps through all four gradients, comparing both parameters with PyTorch's after every step.</summary>
    public static void AssertMatchesPyTorch(Optimizer optimizer, string key, double rtol = 1e-4, double atol = 1e-6)
    {
        for (int step = 0; step < Steps; step++)
        {
            Run(optimizer, step, step + 1);
            Close.Assert(Tensor($"{key}.after.{step}.a").Span, optimizer.Parameters[0].Span, rtol, atol, $"{key} a after step {step + 1}");
            Close.Assert(Tensor($"{key}.after.{step}.b").Span, optimizer.Parameters[1].Span, rtol, atol, $"{key} b after step {step + 1}");
        }
    }

    /// <summary>The learning rate of each group after construction and after each epoch: (epochs + 1, groups).</summary>
    public static float[,] LearningRates(string schedule)
    {
        var t = Tensor($"{schedule}.lr");
        var rates = new float[t.Dims[0], t.Dims[1]];
        var span = t.Span;
        for (int e = 0; e < t.Dims[0]; e++)
            for (int g = 0; g < t.Dims[1]; g++) rates[e, g] = span[e * t.Dims[1] + g];
        return rates;
    }
}
