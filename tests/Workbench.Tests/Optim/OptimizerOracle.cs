using Workbench.IO;
using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Optim;

/// <summary>Reads adam.safetensors: a 37-element parameter, three gradients, and PyTorch's parameter after each step.</summary>
internal static class OptimizerOracle
{
    public const int Steps = 3;

    private static readonly Lazy<SafeTensorsFile> File = new(() => FixtureFiles.Load("adam.safetensors"));

    public static Tensor Tensor(string name) => File.Value.Tensors[name];

    /// <summary>A fresh copy of the initial parameter.</summary>
    public static Tensor InitialParameter() => Tensor("param").Clone();

    /// <summary>Sets the parameter's gradient to the fixture's gradient for <paramref name="step"/> (as PyTorch's p.grad = g).</summary>
    public static void SetGradient(Tensor parameter, int step) => parameter.Grad = Tensor($"grad.{step}").Clone();

    /// <summary>Runs steps [from, to) of <paramref name="optimizer"/> on its single parameter.</summary>
    public static void Run(Optimizer optimizer, int from, int to)
    {
        var parameter = optimizer.Parameters[0];
        for (int step = from; step < to; step++)
        {
            optimizer.ZeroGrad();
            SetGradient(parameter, step);
            optimizer.Step();
        }
    }
}
