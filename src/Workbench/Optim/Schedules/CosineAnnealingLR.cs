namespace Workbench.Optim.Schedules;

/// <summary>
/// PyTorch's <c>CosineAnnealingLR</c> (the annealing of Loshchilov &amp; Hutter, "SGDR", ICLR 2017, without restarts):
/// η_t = η_min + ½(η_base − η_min)(1 + cos(π·t/T_max)), computed as PyTorch's <c>step()</c> does, by the recursive form
/// η_t = (1 + cos(πt/T)) / (1 + cos(π(t−1)/T)) · (η_{t−1} − η_min) + η_min, and past T_max rising again
/// (the cosine continues: at t = T_max + 1 + 2kT_max the rate climbs by ½(η_base − η_min)(1 − cos(π/T))).
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : base(optimizer)
    {
        if (tMax < 1) throw new ArgumentOutOfRangeException(nameof(tMax), $"tMax must be at least 1 epoch, got {tMax}.");
        if (!(etaMin >= 0) || double.IsInfinity(etaMin)) throw new ArgumentOutOfRangeException(nameof(etaMin), $"etaMin must be finite and non-negative, got {etaMin}.");
        TMax = tMax;
        EtaMin = etaMin;
        InitialStep();
    }

    /// <summary>Epochs from the base rate down to <see cref="EtaMin"/>.</summary>
    public int TMax { get; }

    /// <summary>The lowest rate.</summary>
    public double EtaMin { get; }

    protected override double NextRate(double current, double baseRate)
    {
        if (LastEpoch == 0) return current;
        if ((LastEpoch - 1 - TMax) % (2 * TMax) == 0)
            return current + (baseRate - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
        return (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / TMax)) * (current - EtaMin) + EtaMin;
    }

    protected override double? ClosedFormRate(double baseRate) =>
        EtaMin + (baseRate - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2;
}
