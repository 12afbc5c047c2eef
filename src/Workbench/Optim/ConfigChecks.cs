using System.Globalization;

namespace Workbench.Optim;

/// <summary>Range checks of configuration fields, failing as "field: must be in [min, max] (got value)."</summary>
internal static class ConfigChecks
{
    public static void InRange(string field, double value, double min, double max, bool maxExclusive = false)
    {
        bool ok = value >= min && (maxExclusive ? value < max : value <= max);
        if (!ok)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{field}: must be in [{min:G}, {max:G}{(maxExclusive ? ")" : "]")} (got {value:G7})."));
    }

    public static void IntegerInRange(string field, int value, int min, int max)
    {
        if (value < min || value > max)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{field}: must be an integer in [{min}, {max}] (got {value})."));
    }
}
