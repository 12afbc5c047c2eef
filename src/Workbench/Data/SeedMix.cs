namespace Workbench.Data;

/// <summary>
/// Derives independent 64-bit seeds from a base seed and a few integers (epoch, example index…),
/// so that the random numbers for, say, epoch 7 depend on (seed, 7) only and a resumed run
/// reproduces them exactly. Each step is a SplitMix64 finaliser, so (a, b) and (b, a) differ.
/// </summary>
internal static class SeedMix
{
    public static ulong Combine(ulong seed, long a) => Finalise(seed ^ Finalise((ulong)a + 0x9E3779B97F4A7C15UL));

    public static ulong Combine(ulong seed, long a, long b) => Combine(Combine(seed, a), b);

    private static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
