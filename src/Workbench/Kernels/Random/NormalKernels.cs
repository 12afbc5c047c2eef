using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>The Box–Muller transform of the normal samples of Tensors.Rng, one pair or many split over the kernel worker threads.</summary>
internal static unsafe class NormalKernels
{
    /// <summary>The pair of the uniforms u1 ∈ (0, 1], u2 ∈ [0, 1): (r·cos θ, r·sin θ), r = √(−2 ln u1), θ = 2π·u2.</summary>
    public static (double First, double Second) BoxMuller(double u1, double u2)
    {
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        double angle = 2.0 * Math.PI * u2;
        return (radius * Math.Cos(angle), radius * Math.Sin(angle));
    }

    /// <summary>
    /// (normals[2p], normals[2p + 1]) = the pair of <see cref="BoxMuller(double, double)"/> for the uniforms
    /// (uniforms[2p], uniforms[2p + 1]), rounded to float, for every pair p, computed four pairs at a time:
    /// the logarithm and square root by <c>TensorPrimitives</c>, cos 2πu and sin 2πu by <see cref="CosSinOfTurns"/>.
    /// In double precision these agree with the scalar form to about 1e−16 relative, so the floats are the same
    /// but for the rare value within that distance of a float rounding boundary. Chunks hold whole blocks of
    /// pairs, so each value is the same for any thread count.
    /// </summary>
    public static void BoxMuller(ReadOnlySpan<double> uniforms, Span<float> normals)
    {
        if (uniforms.Length != normals.Length || uniforms.Length % 2 != 0)
            throw new ArgumentException($"BoxMuller: {uniforms.Length} uniforms for {normals.Length} normals (both must be the same even count).");
        fixed (double* u = uniforms)
        fixed (float* z = normals)
            ParallelChunks.RunItems(new Pairs(u, z), uniforms.Length / 2, ElementsPerPair);
    }

    /// <summary>A pair's logarithm, square root and trigonometry cost about as much as this many elements of a light kernel.</summary>
    private const int ElementsPerPair = 8;

    /// <summary>Pairs transformed together (their radii and turns in stack buffers).</summary>
    private const int Block = 64;

    private readonly struct Pairs(double* uniforms, float* normals) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            double* radius = stackalloc double[Block];
            double* turns = stackalloc double[Block];
            for (int first = start; first < start + length; first += Block)
            {
                int count = Math.Min(Block, start + length - first);
                for (int q = 0; q < count; q++)
                {
                    radius[q] = uniforms[2 * (first + q)];
                    turns[q] = uniforms[2 * (first + q) + 1];
                }
                for (int q = count; q < (count + 3) / 4 * 4; q++) turns[q] = 0; // the last vector's unused lanes
                var r = new Span<double>(radius, count);
                TensorPrimitives.Log(r, r);
                TensorPrimitives.Multiply(r, -2.0, r);
                TensorPrimitives.Sqrt(r, r);
                for (int q = 0; q < count; q += 4)
                {
                    var (cos, sin) = CosSinOfTurns(Vector256.Load(turns + q));
                    for (int lane = 0; lane < 4 && q + lane < count; lane++)
                    {
                        float* pair = normals + 2L * (first + q + lane);
                        pair[0] = (float)(radius[q + lane] * cos.GetElement(lane));
                        pair[1] = (float)(radius[q + lane] * sin.GetElement(lane));
                    }
                }
            }
        }
    }

    /// <summary>
    /// (cos 2πt, sin 2πt) for t ∈ [0, 1], within about 1e−16 absolute: t is split exactly into a quarter turn
    /// k/4 (k = round(4t)) and a remainder f ∈ [−⅛, ⅛], sin and cos of x = 2πf ∈ [−π/4, π/4] come from Cephes'
    /// sin/cos polynomials, and the quarter turns rotate the pair.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<double> Cos, Vector256<double> Sin) CosSinOfTurns(Vector256<double> t)
    {
        var k = Vector256.Round(t * 4.0);
        var x = (t - k * 0.25) * (2.0 * Math.PI); // t − k/4 is exact
        var z = x * x;
        var ps = Vector256.Create(1.58962301576546568060E-10);
        ps = ps * z + Vector256.Create(-2.50507477628578072866E-8);
        ps = ps * z + Vector256.Create(2.75573136213857245213E-6);
        ps = ps * z + Vector256.Create(-1.98412698295895385996E-4);
        ps = ps * z + Vector256.Create(8.33333333332211858878E-3);
        ps = ps * z + Vector256.Create(-1.66666666666666307295E-1);
        var sin = x + x * z * ps;
        var pc = Vector256.Create(-1.13585365213876817300E-11);
        pc = pc * z + Vector256.Create(2.08757008419747316778E-9);
        pc = pc * z + Vector256.Create(-2.75573141792967388112E-7);
        pc = pc * z + Vector256.Create(2.48015872888517045348E-5);
        pc = pc * z + Vector256.Create(-1.38888888888730564116E-3);
        pc = pc * z + Vector256.Create(4.16666666666665929218E-2);
        var cos = Vector256<double>.One - z * 0.5 + z * z * pc;

        // Rotate by k quarter turns (k = 4 is a whole turn): (cos, sin) → (−sin, cos) → (−cos, −sin) → (sin, −cos).
        var quarter = Vector256.ConditionalSelect(Vector256.Equals(k, Vector256.Create(4.0)), Vector256<double>.Zero, k);
        var one = Vector256.Equals(quarter, Vector256<double>.One);
        var two = Vector256.Equals(quarter, Vector256.Create(2.0));
        var three = Vector256.Equals(quarter, Vector256.Create(3.0));
        var swap = one | three;
        var (c, s) = (Vector256.ConditionalSelect(swap, sin, cos), Vector256.ConditionalSelect(swap, cos, sin));
        c = Vector256.ConditionalSelect(one | two, -c, c);
        s = Vector256.ConditionalSelect(two | three, -s, s);
        return (c, s);
    }
}
