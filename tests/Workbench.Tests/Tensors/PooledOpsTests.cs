using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class PooledOpsTests
{
    private static readonly (string Name, Func<Tensor, Tensor> Op)[] Ops =
    [
        ("Log", x => x.Abs().AddScalar(0.1f).Log()),
        ("Softplus", x => x.Softplus()),
        ("Sigmoid", x => x.Sigmoid()),
        ("Tanh", x => x.Tanh()),
        ("LeakyRelu", x => x.LeakyRelu()),
        ("Square", x => x.Square()),
        ("Sqrt", x => x.Abs().Sqrt()),
        ("Pow", x => x.Pow(3f)),
        ("Clamp", x => x.Clamp(-0.3f, 0.4f)),
        ("Sum(0)", x => x.Sum(0)),
        ("Mean(1)", x => x.Mean(1, keepDim: true)),
        ("LogSumExp(0)", x => x.LogSumExp(0)),
        ("LogSumExp(1)", x => x.LogSumExp(1)),
        ("Max(0)", x => x.Max(0)),
        ("Reshape", x => x.Reshape(-1, 3) * 2f),
        ("Transpose", x => x.Transpose()),
        ("Concat", x => Tensor.Concat([x, x.Square()], 1)),
        ("Split", x => x.Split([10, 23], 1)[1]),
        ("GatherRows", x => x.GatherRows([2, 0, 2])),
        ("BCE", x => Losses.BinaryCrossEntropyWithLogits(x, x.Sigmoid(), Reduction.None)),
        ("GaussianLogLikelihood", x => Losses.GaussianLogLikelihood(x, x.Tanh(), x.Sum(0), Reduction.Mean)),
        ("KL", x => Losses.GaussianKlToStandardNormal(x, x.Square())),
    ];

    [Fact]
    public void AllOps_InScopeWithDirtyPooledBuffers_MatchResultsWithoutScope()
    {
        var pool = new BufferPool();
        var x = GradCheck.Random(1, 3, 33);
        x.RequiresGrad = true;
        foreach (var (name, op) in Ops)
        {
            x.ZeroGrad();
            var expected = op(x);
            var weights = GradCheck.Random(2, expected.Shape.ToArray());
            (expected * weights).Sum().Backward();
            var expectedGrad = x.Grad!.ToArray();

            // Fill the pool with NaN buffers of every size the op uses, then run it again inside a scope.
            using (TensorScope.Begin(pool))
                for (int i = 0; i < 4; i++) (op(x) * weights).Sum().Backward();
            using (TensorScope.Begin(pool))
            {
                x.ZeroGrad();
                for (int size = 0; size <= 200; size++)
                    for (int copies = 0; copies < 8; copies++) Tensor.Full(float.NaN, size);
            }
            using (TensorScope.Begin(pool))
            {
                var actual = op(x);
                (actual * weights).Sum().Backward();
                Close.Assert(expected.Span, actual.Span, 0, 0, name);
            }
            Close.Assert(expectedGrad, x.Grad!.Span, 1e-6, 1e-7, $"{name} gradient");
        }
    }
}
