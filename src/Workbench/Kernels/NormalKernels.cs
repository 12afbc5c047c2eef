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
    /// Effectively (normals[2p], normals[2p + 1]) = BoxMuller(uniforms[2p], uniforms[2p + 1]) rounded to
    /// float, for every pair p; chunks hold whole pairs, so each value is the same for any thread count.
    /// </summary>
    public static void BoxMuller(ReadOnlySpan<double> uniforms, Span<float> normals)
    {
        if (uniforms.Length != normals.Length || uniforms.Length % 2 != 0)
            throw new ArgumentException($"BoxMuller: {uniforms.Length} uniforms for {normals.Length} normals (both must be the same even count).");
        fixed (double* u = uniforms)
        fixed (float* z = normals)
            ParallelChunks.RunItems(new Pairs(u, z), uniforms.Length / 2, ElementsPerPair);
    }

    /// <summary>A pair's log, sqrt, sin and cos cost about as much as this many elements of a light kernel.</summary>
    private const int ElementsPerPair = 16;

    private readonly struct Pairs(double* uniforms, float* normals) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            for (int p = start; p < start + length; p++)
            {
                var (first, second) = BoxMuller(uniforms[2 * p], uniforms[2 * p + 1]);
                normals[2 * p] = (float)first;
                normals[2 * p + 1] = (float)second;
            }
        }
    }
}
