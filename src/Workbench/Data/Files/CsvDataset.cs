using System.Globalization;

namespace Workbench.Data.Files;

/// <summary>
/// Tabular data from a CSV file of numbers: one example a row, one feature a column (comma-separated, '.' decimals), and
/// optionally one label column. A first line holding anything that is not a number (outside a label column given by number) is the header (column names). Each example
/// becomes a 1×D "image" (one channel, height 1, width D features), which the MLP networks flatten to D inputs like any image;
/// values are kept as they are (floats), so scale them to [0, 1] for the Bernoulli likelihood or pick a Gaussian one.
/// A tenth of the rows is split off as test examples (<see cref="SeededSplit"/>).
/// </summary>
public static class CsvDataset
{
    /// <summary>Loads the CSV file at <paramref name="path"/> as training and test examples.</summary>
    /// <param name="labelColumn">The label column: a header name, or the column's number counted from 1; null for unlabelled rows.
    /// Its values name the classes (any text), in ordinal order, or numeric order when all are integers.</param>
    /// <exception cref="DataFileException">The one problem found, naming the file, line and column.</exception>
    public static (ImageDataset Train, ImageDataset Test) Load(string path, string? labelColumn = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        path = Path.GetFullPath(path);
        if (!File.Exists(path)) throw new DataFileException(path, "file not found");
        string[]? header = null;
        int columns = -1, labelIndex = -1, lineNumber = 0;
        var values = new List<float>();
        var labelTexts = new List<string>();
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot be read ({e.Message})", e);
        }
        foreach (var line in lines)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = line.Split(',').Select(c => c.Trim().Trim('"')).ToArray();
            if (columns < 0)
            {
                columns = cells.Length;
                // The label column may hold words in every row; only the other cells tell a header from data.
                int numbered = int.TryParse(labelColumn, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n - 1 : -1;
                if (cells.Where((c, i) => i != numbered).Any(c => !IsNumber(c))) header = cells;
                labelIndex = LabelIndex(path, labelColumn, header, columns);
                if (header is not null) continue;
            }
            if (cells.Length != columns)
                throw new DataFileException(path, $"line {lineNumber} has {cells.Length} cells but the first row has {columns}; every row needs the same columns");
            for (int c = 0; c < cells.Length; c++)
            {
                if (c == labelIndex) { labelTexts.Add(cells[c]); continue; }
                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                    throw new DataFileException(path, $"line {lineNumber}, column {c + 1}{(header is null ? "" : $" ('{header[c]}')")}: '{cells[c]}' is not a finite number");
                values.Add((float)v);
            }
        }
        int features = columns - (labelIndex >= 0 ? 1 : 0);
        int rows = features <= 0 ? 0 : values.Count / features;
        if (rows == 0) throw new DataFileException(path, columns < 0 ? "is empty" : features <= 0 ? "has no feature columns besides the label" : "has a header but no rows of numbers");
        var (labels, classNames) = labelIndex >= 0 ? Classes(labelTexts) : (new int[rows], new[] { ClassLabels.Unlabelled });
        var all = new ImageDataset(values.ToArray(), labels, channels: 1, height: 1, width: features, classNames);
        var (train, test) = SeededSplit.Split(all, path);
        return (train.WithSource($"CSV file {path} (training part of a seeded split)"), test.WithSource($"CSV file {path} (test part of a seeded split)"));
    }

    private static bool IsNumber(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static int LabelIndex(string path, string? labelColumn, string[]? header, int columns)
    {
        if (labelColumn is null) return -1;
        if (header is not null && Array.IndexOf(header, labelColumn) is var named and >= 0) return named;
        if (int.TryParse(labelColumn, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= 1 && number <= columns) return number - 1;
        throw new DataFileException(path, header is null
            ? $"has no header row, so the label column '{labelColumn}' must be a column number 1 to {columns}"
            : $"has no column '{labelColumn}'; its columns are {string.Join(", ", header)} (or give a column number 1 to {columns})");
    }

    /// <summary>Class indices for label texts: classes in numeric order when every text is an integer, else in ordinal order.</summary>
    private static (int[] Labels, string[] ClassNames) Classes(List<string> texts)
    {
        var distinct = texts.Distinct(StringComparer.Ordinal).ToList();
        bool integers = distinct.All(t => long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        var names = integers
            ? distinct.OrderBy(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray()
            : distinct.Order(StringComparer.Ordinal).ToArray();
        var index = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        return (texts.Select(t => index[t]).ToArray(), names);
    }
}
