using Workbench.Plotting.Imaging;

namespace Workbench.Tests.Plotting;

/// <summary>
/// Reads text back out of a picture by matching the bitmap font's glyphs, pixel by pixel, against the
/// picture (template OCR over our own font): a glyph matches where every pixel of its scaled 9-row box
/// and the blank column after it agree with the picture. Dark pixels (below 128) are ink.
/// </summary>
internal static class FontReader
{
    /// <summary>The text whose line box has its top-left corner at (x, y), reading no further right than <paramref name="right"/>.</summary>
    public static string Read(byte[] pixels, int width, int height, int channels, int x, int y, int scale, int right)
    {
        bool Ink(int px, int py) => px >= 0 && py >= 0 && px < Math.Min(width, right) && py < height && pixels[(py * width + px) * channels] < 128;
        bool Matches(BitmapFont.Glyph glyph, int left)
        {
            for (int gy = 0; gy < BitmapFont.LineHeight; gy++)
                for (int gx = 0; gx < glyph.Width + BitmapFont.Spacing; gx++)
                {
                    bool expected = gx < glyph.Width && glyph.Ink(gx, gy);
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++)
                            if (Ink(left + gx * scale + dx, y + gy * scale + dy) != expected) return false;
                }
            return true;
        }
        bool BlankAhead(int left)
        {
            for (int px = left; px < right; px++)
                for (int py = y; py < y + BitmapFont.LineHeight * scale; py++)
                    if (Ink(px, py)) return false;
            return true;
        }

        var candidates = BitmapFont.Glyphs.Where(g => g.Character != ' ').OrderByDescending(g => g.Width).ToArray();
        var space = BitmapFont.GlyphOf(' ');
        var text = new System.Text.StringBuilder();
        int position = x;
        while (!BlankAhead(position))
        {
            var glyph = candidates.FirstOrDefault(g => Matches(g, position))
                ?? throw new InvalidDataException($"No glyph matches at ({position}, {y}) after \"{text}\".");
            text.Append(glyph.Character);
            position += (glyph.Width + BitmapFont.Spacing) * scale;
            if (!BlankAhead(position) && Matches(space, position))
            {
                text.Append(' ');
                position += (space.Width + BitmapFont.Spacing) * scale;
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// The row labels of a labelled grid whose tiles (<paramref name="rows"/> × <paramref name="columns"/> of
    /// <paramref name="cell"/> px, <paramref name="padding"/> px apart) fill the bottom-right of the picture: each
    /// label is looked for in the margin left of its row, centred on the row, from its leftmost ink.
    /// </summary>
    public static string[] RowLabels(DecodedPng png, int rows, int columns, int cell = 56, int padding = 2, int scale = 2)
    {
        int left = png.Width - (columns * (cell + padding) + padding), top = png.Height - (rows * (cell + padding) + padding);
        if (left <= 0) throw new InvalidDataException("The picture has no label margin on the left.");
        var labels = new string[rows];
        for (int row = 0; row < rows; row++)
        {
            int lineTop = top + padding + row * (cell + padding) + cell / 2 - 7 * scale / 2;
            int start = Enumerable.Range(0, left).First(x => Enumerable.Range(lineTop, BitmapFont.LineHeight * scale).Any(y => png.Pixel(x, y)[0] < 128));
            labels[row] = Read(png.Pixels, png.Width, png.Height, png.Channels, start, lineTop, scale, right: left);
        }
        return labels;
    }
}
