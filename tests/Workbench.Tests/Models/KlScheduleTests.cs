using Workbench.Models;
using Workbench.Models.Kl;

namespace Workbench.Tests.Models;

/// <summary>KL weight schedules against their definitions.</summary>
public class KlScheduleTests
{
    private static TrainingProgress At(long step, long total) => new(step, total);

    [Fact]
    public void ConstantKlWeight_AnyStep_IsBeta()
    {
        var schedule = new ConstantKlWeight(2.5f);
        foreach (long step in new long[] { 0, 1, 50, 99 }) Assert.Equal(2.5f, schedule.Weight(At(step, 100)));
        Assert.Equal(2.5f, schedule.FinalWeight);
    }

    [Fact]
    public void LinearWarmup_Steps_ZeroAtStartLinearThenBeta()
    {
        var schedule = new LinearWarmup(Beta: 2f, WarmupFraction: 0.25);
        Assert.Equal(0f, schedule.Weight(At(0, 200)));
        for (long step = 0; step < 200; step++)
        {
            double fraction = step / 200.0;
            double expected = fraction >= 0.25 ? 2.0 : 2.0 * fraction / 0.25;
            Assert.Equal(expected, schedule.Weight(At(step, 200)), 5);
        }
        Assert.Equal(1f, schedule.Weight(At(25, 200)), 5);  // halfway through the warm-up
        Assert.Equal(2f, schedule.Weight(At(50, 200)));     // warm-up done
        Assert.Equal(2f, schedule.Weight(At(199, 200)));
        Assert.Equal(2f, schedule.FinalWeight);
    }

    [Fact]
    public void LinearWarmup_ZeroFraction_IsBetaFromTheStart()
    {
        Assert.Equal(3f, new LinearWarmup(3f, 0).Weight(At(0, 10)));
    }

    /// <summary>
    /// Fu et al. (2019)'s reference schedule (frange_cycle_linear in their repository): n_iter steps,
    /// period = n_iter / M, and cycle c writes 0, s, 2s, … (s = 1 / (period·R)) while ≤ 1 from step
    /// int(c·period) on; every other step holds 1.
    /// </summary>
    private static double[] FuCyclical(int steps, int cycles, double ratio, double beta)
    {
        var weights = Enumerable.Repeat(1.0, steps).ToArray();
        double period = (double)steps / cycles, increment = 1.0 / (period * ratio);
        for (int c = 0; c < cycles; c++)
        {
            double v = 0;
            int i = 0;
            while (v <= 1.0 && (int)(i + c * period) < steps)
            {
                weights[(int)(i + c * period)] = v;
                v += increment;
                i++;
            }
        }
        return weights.Select(w => w * beta).ToArray();
    }

    [Theory]
    [InlineData(100, 4, 0.5)]
    [InlineData(120, 3, 0.25)]
    [InlineData(10, 3, 0.5)]   // a cycle length that is not a whole number of steps
    [InlineData(4690, 4, 0.5)] // 469 batches × 10 epochs
    [InlineData(50, 1, 1.0)]   // one cycle, ramping the whole run: a linear warm-up
    public void CyclicalAnnealing_EveryStep_MatchesFuEtAlReferenceSchedule(int steps, int cycles, double ratio)
    {
        var schedule = new CyclicalAnnealing(Beta: 2f, Cycles: cycles, Ratio: ratio);
        var expected = FuCyclical(steps, cycles, ratio, 2.0);
        for (int step = 0; step < steps; step++)
            Assert.True(Math.Abs(expected[step] - schedule.Weight(At(step, steps))) < 1e-4,
                $"step {step}: weight {schedule.Weight(At(step, steps))}, reference {expected[step]}");
    }

    [Fact]
    public void CyclicalAnnealing_CycleStarts_AreZero()
    {
        var schedule = new CyclicalAnnealing(Beta: 1f, Cycles: 4, Ratio: 0.5);
        foreach (long start in new long[] { 0, 25, 50, 75 }) Assert.Equal(0f, schedule.Weight(At(start, 100)));
        Assert.Equal(1f, schedule.Weight(At(13, 100)));  // R of the first cycle reached
        Assert.Equal(1f, schedule.Weight(At(99, 100)));
        Assert.Equal(1f, schedule.FinalWeight);
    }

    [Fact]
    public void TrainingProgress_Fraction_IsClampedStepOverTotal()
    {
        Assert.Equal(0.25, At(25, 100).Fraction);
        Assert.Equal(1.0, At(150, 100).Fraction);
        Assert.Equal(1.0, At(0, 0).Fraction);
    }
}
