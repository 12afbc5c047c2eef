namespace Workbench.Plotting.Imaging;

/// <summary>
/// Text drawn around an image grid (all optional): a name per row on the left, a name per column on top,
/// a title over the column names and a heading over the row names. The grid's tiles keep their pixels;
/// the picture grows by a margin that holds the text (<see cref="BitmapFont"/>, enlarged <see cref="Scale"/>×).
/// </summary>
public sealed record GridLabels
{
    /// <summary>One label per row of tiles, right-aligned left of the row and centred on it.</summary>
    public IReadOnlyList<string>? Rows { get; init; }

    /// <summary>One label per column of tiles, centred above it.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>What the columns show (e.g. "z0"), centred above the column labels.</summary>
    public string? ColumnTitle { get; init; }

    /// <summary>What the rows show (e.g. "class"), in the top-left corner above the row labels.</summary>
    public string? RowTitle { get; init; }

    /// <summary>Integer enlargement of the 5×7 font; 2 reads well next to tiles of 56 px.</summary>
    public int Scale { get; init; } = 2;
}

/// <summary>A piece of text drawn into a picture: its top-left corner and scale, so it can be found again.</summary>
public sealed record TextPlacement(string Text, int X, int Y, int Scale)
{
    /// <summary>Width and height of the drawn text in pixels.</summary>
    public (int Width, int Height) Size => BitmapFont.Measure(Text, Scale);
}

public sealed partial class ImageGrid
{
    /// <summary>Number of rows of tiles.</summary>
    public int Rows => (Height - MarginTop - Padding) / (CellHeight + Padding);

    /// <summary>
    /// This grid with <paramref name="labels"/> drawn in a margin around it. The tiles' pixels are copied
    /// unchanged, offset by (<see cref="MarginLeft"/>, <see cref="MarginTop"/>); the margin has the background of the grid's corner.
    /// </summary>
    public ImageGrid WithLabels(GridLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (MarginLeft != 0 || MarginTop != 0) throw new InvalidOperationException("This grid already carries labels.");
        int rows = Rows, columns = Columns, scale = labels.Scale;
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(labels), scale, "Label scale must be at least 1.");
        if (labels.Rows is { } r && r.Count != rows)
            throw new ArgumentException($"{r.Count} row labels for a grid of {rows} rows.", nameof(labels));
        if (labels.Columns is { } c && c.Count != columns)
            throw new ArgumentException($"{c.Count} column labels for a grid of {columns} columns.", nameof(labels));

        int gap = 3 * scale, line = BitmapFont.LineHeight * scale, capHeight = 7 * scale;
        int TextWidth(string? text) => text is null ? 0 : BitmapFont.Measure(text, scale).Width;

        // Left margin: the widest row label (or the row heading), a gap, and an outer border of `gap`.
        int labelColumn = Math.Max(labels.Rows?.Max(TextWidth) ?? 0, TextWidth(labels.RowTitle));
        int left = labelColumn == 0 ? 0 : gap + labelColumn + gap;
        // Top margin: a line for the column title, a line for the column labels (and row heading), each followed by a gap.
        int titleTop = gap, columnLabelsTop = gap + (labels.ColumnTitle is null ? 0 : line + gap);
        bool labelLine = labels.Columns is not null || labels.RowTitle is not null;
        int top = labelLine ? columnLabelsTop + line + gap : labels.ColumnTitle is null ? 0 : columnLabelsTop;

        var texts = new List<TextPlacement>();
        int CellCentreX(int column) => left + Padding + column * (CellWidth + Padding) + CellWidth / 2;
        int CellCentreY(int row) => top + Padding + row * (CellHeight + Padding) + CellHeight / 2;
        if (labels.Rows is { } rowLabels)
            for (int row = 0; row < rows; row++)
                texts.Add(new TextPlacement(rowLabels[row], left - gap - TextWidth(rowLabels[row]), CellCentreY(row) - capHeight / 2, scale));
        if (labels.Columns is { } columnLabels)
            for (int column = 0; column < columns; column++)
                texts.Add(new TextPlacement(columnLabels[column], CellCentreX(column) - TextWidth(columnLabels[column]) / 2, columnLabelsTop, scale));
        if (labels.RowTitle is { } rowTitle)
            texts.Add(new TextPlacement(rowTitle, left - gap - TextWidth(rowTitle), columnLabelsTop, scale));
        if (labels.ColumnTitle is { } columnTitle)
            texts.Add(new TextPlacement(columnTitle, left + (Width - TextWidth(columnTitle)) / 2, titleTop, scale));

        // Text may reach past the tiles on the left or right (a long title, a wide last column label): grow the picture to hold it.
        int shift = Math.Max(0, -texts.Select(t => t.X).DefaultIfEmpty(0).Min() + gap);
        if (shift > 0)
        {
            left += shift;
            texts = texts.Select(t => t with { X = t.X + shift }).ToList();
        }
        int width = Math.Max(left + Width, texts.Select(t => t.X + t.Size.Width + gap).DefaultIfEmpty(0).Max());
        int height = top + Height;

        var pixels = new byte[width * height * Channels];
        byte background = Padding > 0 ? Pixels[0] : byte.MaxValue; // the grid's padding colour
        pixels.AsSpan().Fill(background);
        for (int y = 0; y < Height; y++)
            Pixels.AsSpan(y * Width * Channels, Width * Channels).CopyTo(pixels.AsSpan(((top + y) * width + left) * Channels));
        byte ink = (byte)(background >= 128 ? 0 : 255);
        foreach (var text in texts)
            BitmapFont.Draw(pixels, width, height, Channels, text.X, text.Y, text.Text, text.Scale, ink);
        return new ImageGrid(pixels, width, height, Channels, CellWidth, CellHeight, Columns, Padding, left, top, texts);
    }
}
