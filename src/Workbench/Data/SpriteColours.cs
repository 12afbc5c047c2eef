namespace Workbench.Data;

/// <summary>
/// The hues of colour sprites: k fully saturated colours at hue angles i·360°/k (HSV with saturation and value 1),
/// so six hues are exactly red, yellow, green, cyan, blue and magenta.
/// </summary>
internal static class SpriteColours
{
    private static readonly string[] SixtyDegreeNames = ["red", "yellow", "green", "cyan", "blue", "magenta"];

    /// <summary>(red, green, blue) in [0, 1] of hue <paramref name="index"/> of <paramref name="count"/>.</summary>
    public static (float Red, float Green, float Blue) Rgb(int index, int count)
    {
        if (count < 1 || (uint)index >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index), index, $"Hue index must be in 0..{count - 1}.");
        double sector = 6.0 * index / count;                 // hue in sixths of the wheel, [0, 6)
        int whole = (int)Math.Floor(sector);
        float rising = (float)(sector - whole), falling = 1f - rising;
        return whole switch
        {
            0 => (1f, rising, 0f),
            1 => (falling, 1f, 0f),
            2 => (0f, 1f, rising),
            3 => (0f, falling, 1f),
            4 => (rising, 0f, 1f),
            _ => (1f, 0f, falling),
        };
    }

    /// <summary>"red", "yellow", … for hues at multiples of 60°, else the angle ("hue 45°").</summary>
    public static string Name(int index, int count)
    {
        if (count < 1 || (uint)index >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index), index, $"Hue index must be in 0..{count - 1}.");
        return (6 * index) % count == 0 ? SixtyDegreeNames[6 * index / count]
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"hue {360.0 * index / count:0.#}°");
    }
}
