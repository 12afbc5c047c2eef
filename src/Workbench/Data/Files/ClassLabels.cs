namespace Workbench.Data.Files;

/// <summary>Labels read from a file: integer class indices 0…K−1, or no labels at all (one class).</summary>
internal static class ClassLabels
{
    /// <summary>Most classes a file's labels may name.</summary>
    public const int MaxClasses = 65536;

    /// <summary>The class name of every image when a source has no labels.</summary>
    public const string Unlabelled = "unlabelled";

    /// <summary><paramref name="values"/> as class indices, checked to lie in 0…<see cref="MaxClasses"/>−1.</summary>
    public static int[] Check(long[] values, string file)
    {
        var labels = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is < 0 or >= MaxClasses)
                throw new DataFileException(file, $"label {values[i]} of image {i} is not a class index 0 to {MaxClasses - 1}");
            labels[i] = (int)values[i];
        }
        return labels;
    }

    /// <summary>Class names "0"…"K−1" for the largest label among <paramref name="labelSets"/>.</summary>
    public static string[] Names(params int[][] labelSets)
    {
        int classes = labelSets.SelectMany(l => l).DefaultIfEmpty(0).Max() + 1;
        return Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
