using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Kernels;

/// <summary>The dropout mask kernel: four xoshiro256** lanes, the vector path equal to the scalar one bit for bit.</summary>
public class DropoutMaskKernelTests
{
    private static readonly ulong[] Seeds = [11, 0xDEADBEEFUL, 3, ulong.MaxValue];

    [Fact]
    public void Fill_VectorAndScalarPaths_GiveTheSameMaskForEveryLength0To257()
    {
        const uint dropBelow = 0x4CCC_CCCD; // p ≈ 0.3
        for (int length = 0; length <= 257; length++)
        {
            var vector = new float[length];
            var scalar = new float[length];
            DropoutMaskKernels.Fill(Seeds, dropBelow, 1.5f, vector, vectorised: true);
            DropoutMaskKernels.Fill(Seeds, dropBelow, 1.5f, scalar, vectorised: false);
            Assert.Equal(scalar, vector);
        }
    }

    [Fact]
    public void Fill_Lanes_AreTheRngsSeededWithTheLaneSeeds_LowHalfThenHighHalf()
    {
        const int length = 8 * 40;
        const uint dropBelow = 0x8000_0000; // keep iff the 32-bit half has its top bit set
        var lanes = Seeds.Select(seed => new Rng(seed)).ToArray();
        var expected = new float[length];
        for (int step = 0; step < length / 8; step++)
            for (int lane = 0; lane < 4; lane++)
            {
                ulong word = lanes[lane].NextUInt64();
                expected[8 * step + 2 * lane] = (uint)word >= dropBelow ? 2f : 0f;
                expected[8 * step + 2 * lane + 1] = (uint)(word >> 32) >= dropBelow ? 2f : 0f;
            }

        foreach (bool vectorised in new[] { true, false })
        {
            var mask = new float[length];
            DropoutMaskKernels.Fill(Seeds, dropBelow, 2f, mask, vectorised);
            Assert.Equal(expected, mask);
        }
    }

    [Fact]
    public void Fill_ThresholdZero_KeepsEverything()
    {
        var mask = new float[100];
        DropoutMaskKernels.Fill(Seeds, 0, 1f, mask);
        Assert.All(mask, m => Assert.Equal(1f, m));
    }

    [Fact]
    public void Fill_WrongNumberOfLaneSeeds_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => DropoutMaskKernels.Fill([1UL, 2UL], 0, 1f, new float[8]));
        Assert.Contains("4 lane seeds, got 2", error.Message);
    }
}
