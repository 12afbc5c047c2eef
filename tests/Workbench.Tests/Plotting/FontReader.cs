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
}
