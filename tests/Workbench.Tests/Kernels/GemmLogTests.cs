using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Kernels;

/// <summary>The record of a piece of work's products that <c>bench epoch</c> times as the work's GEMM floor.</summary>
[Collection(Recording)]
public class GemmLogTests
{
    /// <summary>
    /// The tests that record products (one recording at a time in the process) or set the process-wide compute thread
    /// count (which the benchmark tests check is given back): they run one at a time.
    /// </summary>
    public const string Recording = "GEMM recording and compute threads";

    [Fact]
    public void Record_LinearLayerStep_LogsForwardAndBothBackwardProducts()
    {
        var rng = new Rng(3);
        var x = Tensor.Uniform(rng, -1f, 1f, 64, 48);
        var w = Tensor.Uniform(rng, -1f, 1f, 32, 48);
        w.RequiresGrad = true;
        var log = GemmLog.Record(() => x.MatMul(w, transposeOther: true).Sum().Backward());

        // y = x·Wᵀ (64 × 32 × 48) and dW = Gᵀ·x (32 × 48 × 64); x needs no gradient, so no dX product.
        var shapes = log.Calls.Select(c => (c.M, c.N, c.K)).ToArray();
        Assert.Equal([(64, 32, 48), (32, 48, 64)], shapes);
        Assert.All(log.Calls, c => Assert.Equal(0, c.Job));
        Assert.Equal(2.0 * 64 * 32 * 48 * 2, log.Flops);
        Assert.Null(Gemm.Log);
    }

    [Fact]
    public void Record_ProductsInsideOneJob_ShareTheJobAndReplayAsOne()
    {
        int threads = ComputeThreads.Count;
        try
        {
            ComputeThreads.Count = 2;
            var a = new float[40 * 40];
            var c = new float[2 * 40 * 40];
            var log = GemmLog.Record(() =>
            {
                Gemm.Multiply(false, false, 40, 40, 40, 1f, a, 40, a, 40, 0f, c, 40); // outside a job
                ParallelParts.Run(4, part =>
                {
                    var local = new float[40 * 40];
                    Gemm.Multiply(Gemm.Kernel.Best, 1, false, true, 40, 40, 40 + part, 1f, new float[40 * (40 + part)], 40 + part,
                        new float[40 * (40 + part)], 40 + part, 0f, local, 40);
                });
            });
            var calls = log.Calls;
            Assert.Equal(5, calls.Count);
            Assert.Equal(0, calls[0].Job);
            var jobs = calls.Skip(1).Select(c => c.Job).Distinct().ToArray();
            Assert.Single(jobs);
            Assert.NotEqual(0, jobs[0]);
            Assert.Equal([40, 41, 42, 43], calls.Skip(1).Select(c => c.K).Order());

            // Replaying runs every recorded product (no new records: the log is not recording any more).
            log.Replay(threads: 2);
            Assert.Equal(5, log.Calls.Count);
        }
        finally
        {
            ComputeThreads.Count = threads;
        }
    }

    [Fact]
    public void Record_ConvolutionProducts_LoggedAsTheProductsOnTheColumnMatrixOnEitherPath()
    {
        // dW's operand colsᵀ is packed straight from the images for a 4 × 4 kernel and from unrolled columns for a
        // 3 × 3 one (on 14- and on 34-pixel rows, the row and the table forms of the unrolling). Every product is
        // recorded as the product on the column matrix (dW's with B transposed), which the floor replays with the
        // packing the unrolled path does.
        int threads = ComputeThreads.Count;
        try
        {
            ComputeThreads.Count = 1;
            foreach (var (kernel, side) in new[] { (4, 14), (3, 14), (3, 34) })
            {
                var rng = new Rng(5);
                var x = Tensor.Uniform(rng, -1f, 1f, 6, 8, side, side);
                var w = Tensor.Uniform(rng, -1f, 1f, 16, 8, kernel, kernel);
                w.RequiresGrad = true;
                var log = GemmLog.Record(() => Tensor.Conv2d(x, w, stride: 2, padding: 1).Sum().Backward());
                int positions = (int)Math.Pow((side + 2 - kernel) / 2 + 1, 2), patch = 8 * kernel * kernel;
                var forward = Assert.Single(log.Calls, c => c.M == 16 && c.N == 6 * positions);
                Assert.Equal((false, false, patch, 1), (forward.TransA, forward.TransB, forward.K, forward.Threads));
                var weightGradient = Assert.Single(log.Calls, c => c.M == 16 && c.N == patch);
                Assert.Equal((false, true, 6 * positions), (weightGradient.TransA, weightGradient.TransB, weightGradient.K));
            }
        }
        finally
        {
            ComputeThreads.Count = threads;
        }
    }

    [Fact]
    public void Record_WhileRecording_RefusesASecondRecording()
    {
        using (GemmLog.Begin(out _))
        {
            var error = Assert.Throws<InvalidOperationException>(() => GemmLog.Record(() => { }));
            Assert.Contains("another recording", error.Message);
        }
        Assert.Null(Gemm.Log);
    }
}
