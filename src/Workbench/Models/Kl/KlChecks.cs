namespace Workbench.Models.Kl;

/// <summary>Range checks shared by the KL penalties and schedules: each names its field and the allowed range.</summary>
internal static class KlChecks
{
    /// <summary>Throws unless <paramref name="value"/> is finite and in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void InRange(string field, double value, double min, double max)
    {
        if (!double.IsFinite(value) || value < min || value > max)
            throw new ArgumentException($"{field}: must be between {min:G} and {max:G} (got {value:G}).");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0.</summary>
    public static void NonNegative(string field, double value)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentException($"{field}: must be a finite number ≥ 0 (got {value:G}).");
    }
}
