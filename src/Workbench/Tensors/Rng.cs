namespace Workbench.Tensors;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64) that gives the same
/// numbers for the same seed on every OS and .NET version, unlike <see cref="System.Random"/>.
/// </summary>
/// <remarks>Normal samples use the Box–Muller transform in double precision, rounded to float.</remarks>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public Rng(ulong seed)
    {
        Seed = seed;
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The seed this generator started from.</summary>
    public ulong Seed { get; }

    /// <summary>An independent generator derived from this one's seed and <paramref name="stream"/> (e.g. one per worker or per purpose).</summary>
    public Rng Fork(ulong stream) => new(Seed ^ (0x9E3779B97F4A7C15UL * (stream + 1)));

    private static ulong SplitMix64(ref ulong x) => Kernels.DropoutMaskKernels.SplitMix64(ref x);

    /// <summary>The full generator state (for checkpoints): restore it with <see cref="Restore"/>.</summary>
    public ulong[] SaveState() => [_s0, _s1, _s2, _s3, BitConverter.DoubleToUInt64Bits(_spareNormal), _hasSpare ? 1UL : 0UL];

    /// <summary>Continues exactly where the generator that produced <paramref name="state"/> was.</summary>
    public void Restore(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 6) throw new ArgumentException($"An Rng state has 6 words, got {state.Length}.");
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _spareNormal = BitConverter.UInt64BitsToDouble(state[4]);
        _hasSpare = state[5] != 0;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, 1) with 24 random bits (every float in the range is reachable on the grid 2⁻²⁴).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), "must be positive");
        // Lemire's multiply-shift with rejection.
        ulong range = (ulong)maxExclusive;
        while (true)
        {
            ulong x = NextUInt64() >> 32;
            ulong m = x * range;
            ulong low = m & 0xFFFFFFFFUL;
            if (low >= (0x1_0000_0000UL - range) % range) return (int)(m >> 32);
        }
    }

    /// <summary>A standard normal sample.</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        (double first, _spareNormal) = Kernels.NormalKernels.BoxMuller(u1, u2);
        _hasSpare = true;
        return first;
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal samples.</summary>
    /// <remarks>
    /// The numbers of calling <see cref="NextNormal"/> once per element: the uniforms are drawn in order on
    /// this thread, and only the Box–Muller transforms of the pairs (the costly log, sqrt, sin, cos) run on
    /// the kernel worker threads, each pair by the same code whichever thread runs it. A fill of at least
    /// 4,096 values transforms its pairs vectorised (Kernels.NormalKernels), which agrees with the scalar
    /// transform to ~1e−16 in double: the floats are the same but for a rare last-bit difference (a test
    /// bounds them to 5 in 2,000,000).
    /// </remarks>
    public void FillNormal(Span<float> destination)
    {
        int i = 0;
        if (_hasSpare && destination.Length > 0) destination[i++] = (float)NextNormal();
        int pairs = (destination.Length - i) / 2;
        if (pairs >= ParallelPairsMin)
        {
            var uniforms = System.Buffers.ArrayPool<double>.Shared.Rent(2 * pairs);
            try
            {
                for (int p = 0; p < 2 * pairs; p += 2)
                {
                    uniforms[p] = 1.0 - NextDouble(); // (0, 1]: log is finite
                    uniforms[p + 1] = NextDouble();
                }
                Kernels.NormalKernels.BoxMuller(uniforms.AsSpan(0, 2 * pairs), destination.Slice(i, 2 * pairs));
            }
            finally
            {
                System.Buffers.ArrayPool<double>.Shared.Return(uniforms);
            }
            i += 2 * pairs;
        }
        for (; i < destination.Length; i++) destination[i] = (float)NextNormal();
    }

    /// <summary>Below this many pairs the transforms run inline (handing them to the workers costs more).</summary>
    private const int ParallelPairsMin = 2048;


    /// <summary>Fills <paramref name="destination"/> with samples from U[<paramref name="low"/>, <paramref name="high"/>).</summary>
    public void FillUniform(Span<float> destination, float low, float high)
    {
        float width = high - low;
        for (int i = 0; i < destination.Length; i++) destination[i] = low + width * NextFloat();
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle<int>(p);
        return p;
    }
}
