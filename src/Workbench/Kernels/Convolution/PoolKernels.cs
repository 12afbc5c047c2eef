using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>
/// The geometry of 2-D pooling on one (H, W) plane: a k × k window moved by <see cref="Stride"/> over the plane
/// padded by <see cref="Padding"/> on every side, giving an (OutH, OutW) grid of windows.
/// </summary>
internal readonly record struct PoolGeometry(int Height, int Width, int Kernel, int Stride, int Padding, int OutH, int OutW)
{
    public int PlaneSize => Height * Width;
    public int OutPlaneSize => OutH * OutW;

    /// <summary>Output columns rounded up to whole 8-float vectors.</summary>
    internal int VectorWidth => (OutW + 7) & ~7;

    /// <summary>Length of one phase row (see <see cref="PoolKernels"/>): every tap of every vector of windows reads inside it.</summary>
    internal int PhaseLength => VectorWidth + (Kernel - 1) / Stride;

    /// <summary>Floats of a plane's phase rows: for each image row, <see cref="Stride"/> rows of <see cref="PhaseLength"/>.</summary>
    internal int PhaseSize => Height * Stride * PhaseLength;
}

/// <summary>
/// Max and average pooling over planes (N·C planes of H × W), vectorised over eight neighbouring windows of an
/// output row. A plane's padded rows are first split by column phase: phase φ of image row iy holds padded
/// columns φ, φ + s, φ + 2s, …, so tap j of windows ox … ox + 7 (padded columns ox·s + j) is the eight
/// consecutive values at offset ox + ⌊j/s⌋ of phase j mod s — one load for any stride, with the padding
/// (−∞ for max, 0 for average) already in place. Planes are split over the kernel worker threads, whole
/// planes each; every output is computed in the same order on any thread.
/// </summary>
internal static unsafe partial class PoolKernels
{
    /// <summary>
    /// Effectively y[q, oy, ox] = max over the window's pixels inside the plane, argMax[q, oy, ox] = its index iy·W + ix
    /// within the plane: the first maximum in row-major window order, or the last NaN when there is one (PyTorch's
    /// CPU rule). <paramref name="argMax"/> may be empty when it is not needed.
    /// </summary>
    public static void MaxPool(in PoolGeometry g, ReadOnlySpan<float> x, int planes, Span<float> y, Span<int> argMax)
    {
        Require(g, x.Length, y.Length, planes);
        if (!argMax.IsEmpty && argMax.Length != y.Length) throw new ArgumentException($"MaxPool: {argMax.Length} index slots for {y.Length} outputs.");
        fixed (float* input = x, output = y)
        fixed (int* index = argMax)
            ParallelChunks.RunItems(new MaxPlanes(g, input, output, argMax.IsEmpty ? null : index), planes, g.PlaneSize + g.OutPlaneSize * g.Kernel * g.Kernel);
    }

    /// <summary>The adjoint of the max: gradient[q, argMax[q, o]] += upstream[q, o] in output order (overwritten, not added, with <paramref name="overwrite"/>).</summary>
    public static void MaxPoolBackward(in PoolGeometry g, ReadOnlySpan<float> upstream, ReadOnlySpan<int> argMax, int planes, Span<float> gradient, bool overwrite)
    {
        Require(g, gradient.Length, upstream.Length, planes);
        if (argMax.Length != upstream.Length) throw new ArgumentException($"MaxPoolBackward: {argMax.Length} indices for {upstream.Length} outputs.");
        fixed (float* g0 = upstream, dx = gradient)
        fixed (int* index = argMax)
            ParallelChunks.RunItems(new MaxBackPlanes(g, g0, index, dx, overwrite), planes, g.PlaneSize + g.OutPlaneSize);
    }

    private static void Require(in PoolGeometry g, int inputLength, int outputLength, int planes)
    {
        if (inputLength != (long)planes * g.PlaneSize || outputLength != (long)planes * g.OutPlaneSize)
            throw new ArgumentException($"PoolKernels: {planes} planes need {planes * g.PlaneSize} inputs and {planes * g.OutPlaneSize} outputs, got {inputLength} and {outputLength}.");
    }

    /// <summary>Writes the phase rows of one plane, <paramref name="fill"/> in the padding and past the padded row's end.</summary>
    private static void SplitPhases(in PoolGeometry g, float* plane, float* phases, float fill)
    {
        int s = g.Stride, length = g.PhaseLength;
        for (int iy = 0; iy < g.Height; iy++)
        {
            float* row = plane + iy * g.Width;
            for (int phase = 0; phase < s; phase++)
            {
                float* target = phases + (iy * s + phase) * length;
                for (int q = 0, ix = phase - g.Padding; q < length; q++, ix += s)
                    target[q] = (uint)ix < (uint)g.Width ? row[ix] : fill;
            }
        }
    }

    /// <summary>ox + lane for the eight windows from <paramref name="ox"/>.</summary>
    private static Vector256<int> Lanes(int ox) => Vector256.Create(ox) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);

    /// <summary>Stores the first min(8, count) lanes (whole vector when it fits).</summary>
    private static void Store<T>(Vector256<T> value, T* target, int count) where T : unmanaged
    {
        if (count >= Vector256<T>.Count)
        {
            value.Store(target);
            return;
        }
        for (int lane = 0; lane < count; lane++) target[lane] = value.GetElement(lane);
    }

    private readonly struct MaxPlanes(PoolGeometry g, float* x, float* y, int* argMax) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            int s = g.Stride, k = g.Kernel, p = g.Padding, phaseLength = g.PhaseLength;
            fixed (float* phases = ThreadScratch.First(g.PhaseSize))
                for (int plane = start; plane < start + length; plane++)
                {
                    SplitPhases(g, x + (long)plane * g.PlaneSize, phases, float.NegativeInfinity);
                    float* output = y + (long)plane * g.OutPlaneSize;
                    int* index = argMax is null ? null : argMax + (long)plane * g.OutPlaneSize;
                    for (int oy = 0; oy < g.OutH; oy++)
                    {
                        int iy0 = oy * s - p, rowLo = Math.Max(iy0, 0), rowHi = Math.Min(iy0 + k, g.Height);
                        for (int ox = 0; ox < g.OutW; ox += 8)
                        {
                            var columns = Lanes(ox) * s - Vector256.Create(p); // padded column 0 of each window, as an image column
                            var best = Vector256.Create(float.NegativeInfinity);
                            // Before any value is taken, the index is the window's first pixel inside the plane (as PyTorch).
                            var bestIndex = Vector256.Create(rowLo * g.Width) + Vector256.Max(columns, Vector256<int>.Zero);
                            for (int iy = rowLo; iy < rowHi; iy++)
                            {
                                float* row = phases + (long)iy * s * phaseLength + ox;
                                var rowColumns = columns + Vector256.Create(iy * g.Width);
                                for (int j = 0; j < k; j++)
                                {
                                    var value = Vector256.Load(row + (j % s) * phaseLength + j / s);
                                    var take = Vector256.GreaterThan(value, best) | ~Vector256.Equals(value, value);
                                    best = Vector256.ConditionalSelect(take, value, best);
                                    bestIndex = Vector256.ConditionalSelect(take.AsInt32(), rowColumns + Vector256.Create(j), bestIndex);
                                }
                            }
                            int count = g.OutW - ox;
                            Store(best, output + oy * g.OutW + ox, count);
                            if (index is not null) Store(bestIndex, index + oy * g.OutW + ox, count);
                        }
                    }
                }
        }
    }

    private readonly struct MaxBackPlanes(PoolGeometry g, float* upstream, int* argMax, float* gradient, bool overwrite) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            for (int plane = start; plane < start + length; plane++)
            {
                float* target = gradient + (long)plane * g.PlaneSize;
                if (overwrite) new Span<float>(target, g.PlaneSize).Clear();
                long first = (long)plane * g.OutPlaneSize;
                for (int o = 0; o < g.OutPlaneSize; o++) target[argMax[first + o]] += upstream[first + o];
            }
        }
    }
}
