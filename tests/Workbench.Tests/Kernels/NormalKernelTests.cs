using System.Runtime.Intrinsics;
using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Kernels;

/// <summary>The batched Box–Muller transform against the scalar one it stands in for (Math.Log, Math.Cos, Math.Sin).</summary>
public class NormalKernelTests
{
    [Fact]
    public void CosSinOfTurns_MatchesMathCosAndSin_IncludingEveryQuarterAndEighthTurn()
    {
        var turns = new List<double>();
        for (int i = 0; i <= 8; i++)
        {
            double t = i / 8.0; // the quarter-turn boundaries and the eighth turns where the reduction switches
            turns.AddRange([t, Math.BitDecrement(t), Math.BitIncrement(t)]);
        }
        var rng = new Rng(3);
        for (int i = 0; i < 100_000; i++) turns.Add(rng.NextDouble());
        turns.RemoveAll(t => t < 0 || t > 1);

        double worst = 0;
        for (int i = 0; i < turns.Count; i += 4)
        {
            var lanes = new double[4];
            for (int lane = 0; lane < 4; lane++) lanes[lane] = turns[Math.Min(i + lane, turns.Count - 1)];
            var (cos, sin) = NormalKernels.CosSinOfTurns(Vector256.Create(lanes));
            for (int lane = 0; lane < 4; lane++)
            {
                double angle = 2.0 * Math.PI * lanes[lane];
                worst = Math.Max(worst, Math.Abs(cos.GetElement(lane) - Math.Cos(angle)));
                worst = Math.Max(worst, Math.Abs(sin.GetElement(lane) - Math.Sin(angle)));
            }
        }
        // The scalar form's own angle 2π·t is rounded (up to 4.4e−16 near 2π), so agreement is to a few 1e−16.
        Assert.True(worst < 1e-15, $"largest difference {worst:E2}");
    }

    [Fact]
    public void FillNormal_Batched_GivesTheScalarSequencesFloatsBarRareLastBitCases()
    {
        const int count = 2_000_000;
        var batched = new float[count];
        new Rng(11).FillNormal(batched);
        var scalar = new Rng(11);
        int differing = 0;
        for (int i = 0; i < count; i++)
        {
            float expected = (float)scalar.NextNormal();
            if (expected == batched[i]) continue;
            differing++;
            Assert.True(Math.Abs(BitConverter.SingleToInt32Bits(expected) - BitConverter.SingleToInt32Bits(batched[i])) == 1,
                $"value {i}: {batched[i]:R} against {expected:R}, more than one float step apart");
        }
        // About 1e−16 relative in double against float steps of 6e−8: a last-bit difference once in ~10⁸ values.
        Assert.True(differing <= 5, $"{differing} of {count} values differ in their last bit");
    }

    [Fact]
    public void FillNormal_Batched_HasStandardNormalMoments()
    {
        var values = new float[1 << 20];
        new Rng(5).FillNormal(values);
        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => (v - mean) * (v - mean));
        double beyondTwo = values.Count(v => Math.Abs(v) > 2) / (double)values.Length;
        Assert.InRange(mean, -0.003, 0.003);          // standard error 0.001
        Assert.InRange(variance, 0.995, 1.005);       // standard error 0.0014
        Assert.InRange(beyondTwo, 0.0445, 0.0465);    // P(|Z| > 2) = 0.0455, standard error 0.0002
    }
}
