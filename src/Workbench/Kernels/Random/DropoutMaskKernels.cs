using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>
/// Dropout masks drawn by four xoshiro256** generators run side by side in one 256-bit vector: each step
/// gives 4 × 64 random bits, read as eight 32-bit uniforms u, and element i keeps <c>kept</c> when
/// u ≥ <c>dropBelow</c>, else 0. Element 8s + 2l takes the low half of lane l's s-th output, element
/// 8s + 2l + 1 the high half; the scalar path computes the same lanes in the same order, so a mask is the
/// same bits with or without vector hardware, and on one thread for any thread count.
/// </summary>
internal static class DropoutMaskKernels
{
    /// <summary>Generators run side by side.</summary>
    public const int Lanes = 4;

    /// <summary>Elements filled per step of the four generators.</summary>
    private const int ElementsPerStep = 2 * Lanes;

    /// <summary>The SplitMix64 step (Vigna) that expands a 64-bit seed into xoshiro state words.</summary>
    public static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// destination[i] = <paramref name="kept"/> where the i-th uniform u (32 bits) is ≥ <paramref name="dropBelow"/>,
    /// else 0, from the four generators seeded with <paramref name="laneSeeds"/> (each expanded by SplitMix64 as
    /// Tensors.Rng expands its seed). The fraction dropped is <paramref name="dropBelow"/> / 2³² in expectation.
    /// </summary>
    public static void Fill(ReadOnlySpan<ulong> laneSeeds, uint dropBelow, float kept, Span<float> destination) =>
        Fill(laneSeeds, dropBelow, kept, destination, Vector256.IsHardwareAccelerated);

    /// <summary>As <see cref="Fill(ReadOnlySpan{ulong}, uint, float, Span{float})"/>, on the vector or the scalar path (tests compare them).</summary>
    internal static void Fill(ReadOnlySpan<ulong> laneSeeds, uint dropBelow, float kept, Span<float> destination, bool vectorised)
    {
        if (laneSeeds.Length != Lanes) throw new ArgumentException($"The dropout mask needs {Lanes} lane seeds, got {laneSeeds.Length}.", nameof(laneSeeds));
        Span<ulong> state = stackalloc ulong[4 * Lanes]; // word-major: s0 of lanes 0..3, then s1, s2, s3
        for (int lane = 0; lane < Lanes; lane++)
        {
            ulong x = laneSeeds[lane];
            for (int word = 0; word < 4; word++) state[word * Lanes + lane] = SplitMix64(ref x);
        }
        if (vectorised) FillVector(state, dropBelow, kept, destination);
        else FillScalar(state, dropBelow, kept, destination);
    }

    private static void FillVector(ReadOnlySpan<ulong> state, uint dropBelow, float kept, Span<float> destination)
    {
        var s0 = Vector256.Create(state[..4]);
        var s1 = Vector256.Create(state[4..8]);
        var s2 = Vector256.Create(state[8..12]);
        var s3 = Vector256.Create(state[12..]);
        var threshold = Vector256.Create(dropBelow);
        var keptValue = Vector256.Create(kept);
        int whole = destination.Length - destination.Length % ElementsPerStep;
        for (int i = 0; i < whole; i += ElementsPerStep)
            Step(ref s0, ref s1, ref s2, ref s3, threshold, keptValue).CopyTo(destination[i..]);
        if (whole < destination.Length)
        {
            Span<float> tail = stackalloc float[ElementsPerStep];
            Step(ref s0, ref s1, ref s2, ref s3, threshold, keptValue).CopyTo(tail);
            tail[..(destination.Length - whole)].CopyTo(destination[whole..]);
        }
    }

    /// <summary>One step of the four generators: eight mask values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Step(ref Vector256<ulong> s0, ref Vector256<ulong> s1, ref Vector256<ulong> s2, ref Vector256<ulong> s3,
        Vector256<uint> threshold, Vector256<float> keptValue)
    {
        // result = rotl(s1·5, 7)·9, the products as shifts and adds (AVX2 has no 64-bit multiply).
        var times5 = s1 + (s1 << 2);
        var rotated = (times5 << 7) | Vector256.ShiftRightLogical(times5, 57);
        var result = rotated + (rotated << 3);
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | Vector256.ShiftRightLogical(s3, 19);
        var keep = Vector256.GreaterThanOrEqual(result.AsUInt32(), threshold).AsSingle();
        return Vector256.ConditionalSelect(keep, keptValue, Vector256<float>.Zero);
    }

    private static void FillScalar(ReadOnlySpan<ulong> state, uint dropBelow, float kept, Span<float> destination)
    {
        Span<ulong> s = stackalloc ulong[state.Length];
        state.CopyTo(s);
        for (int i = 0; i < destination.Length; i += ElementsPerStep)
            for (int lane = 0; lane < Lanes; lane++)
            {
                ulong result = Next(ref s[lane], ref s[Lanes + lane], ref s[2 * Lanes + lane], ref s[3 * Lanes + lane]);
                int low = i + 2 * lane;
                if (low < destination.Length) destination[low] = (uint)result >= dropBelow ? kept : 0f;
                if (low + 1 < destination.Length) destination[low + 1] = (uint)(result >> 32) >= dropBelow ? kept : 0f;
            }
    }

    /// <summary>One xoshiro256** step (Blackman &amp; Vigna), as Tensors.Rng.NextUInt64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Next(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }
}
