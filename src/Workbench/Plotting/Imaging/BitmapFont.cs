namespace Workbench.Plotting.Imaging;

/// <summary>
/// A small proportional bitmap font for printable ASCII, drawn by hand for labelling image grids:
/// glyphs are 7 pixels tall above the baseline (capitals and digits fill all 7, lower case uses the
/// bottom 5), with 2 more rows for descenders (g, j, p, q, y, comma), and 1 to 5 pixels wide.
/// Glyphs sit one blank column apart and are enlarged by an integer factor, so text stays crisp in a PNG.
/// A character outside printable ASCII draws as '?', except the minus sign U+2212, drawn as '-'.
/// </summary>
public static class BitmapFont
{
    /// <summary>Rows of a line of text, unscaled: 7 above the baseline and 2 below.</summary>
    public const int LineHeight = 9;

    /// <summary>Blank columns between neighbouring glyphs, unscaled.</summary>
    public const int Spacing = 1;

    /// <summary>
    /// One glyph: its rows top down, '#' ink and '.' blank, all of one width. Rows past the 7th are
    /// the descender. Each bitmap is written out below so that the font reads as a picture of itself.
    /// </summary>
    public sealed class Glyph
    {
        internal Glyph(char character, string rows)
        {
            Character = character;
            Rows = rows.Split('|');
            Width = Rows[0].Length;
            if (Rows.Count is < 7 or > LineHeight || Rows.Any(r => r.Length != Width))
                throw new InvalidOperationException($"Glyph '{character}' has ragged or wrong-height rows.");
        }

        public char Character { get; }
        public IReadOnlyList<string> Rows { get; }
        public int Width { get; }

        /// <summary>Whether pixel (x, y) of the unscaled glyph is ink; rows below the glyph's own are blank.</summary>
        public bool Ink(int x, int y) => y < Rows.Count && Rows[y][x] == '#';
    }

    private static readonly Glyph[] Table =
    [
        new(' ', "...|...|...|...|...|...|..."),
        new('!', "#|#|#|#|#|.|#"),
        new('"', "#.#|#.#|...|...|...|...|..."),
        new('#', ".#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#."),
        new('$', "..#..|.####|#.#..|.###.|..#.#|####.|..#.."),
        new('%', "##..#|##..#|...#.|..#..|.#...|#..##|#..##"),
        new('&', ".#...|#.#..|#.#..|.#...|#.#.#|#..#.|.##.#"),
        new('\'', "#|#|.|.|.|.|."),
        new('(', "..#|.#.|#..|#..|#..|.#.|..#"),
        new(')', "#..|.#.|..#|..#|..#|.#.|#.."),
        new('*', ".....|..#..|#.#.#|.###.|#.#.#|..#..|....."),
        new('+', ".....|..#..|..#..|#####|..#..|..#..|....."),
        new(',', "..|..|..|..|..|.#|.#|#."),
        new('-', "....|....|....|####|....|....|...."),
        new('.', "..|..|..|..|..|##|##"),
        new('/', "....#|....#|...#.|..#..|.#...|#....|#...."),
        new('0', ".###.|#...#|#..##|#.#.#|##..#|#...#|.###."),
        new('1', "..#..|.##..|..#..|..#..|..#..|..#..|.###."),
        new('2', ".###.|#...#|....#|...#.|..#..|.#...|#####"),
        new('3', "#####|...#.|..#..|...#.|....#|#...#|.###."),
        new('4', "...#.|..##.|.#.#.|#..#.|#####|...#.|...#."),
        new('5', "#####|#....|####.|....#|....#|#...#|.###."),
        new('6', "..##.|.#...|#....|####.|#...#|#...#|.###."),
        new('7', "#####|....#|...#.|..#..|.#...|.#...|.#..."),
        new('8', ".###.|#...#|#...#|.###.|#...#|#...#|.###."),
        new('9', ".###.|#...#|#...#|.####|....#|...#.|.##.."),
        new(':', "..|##|##|..|##|##|.."),
        new(';', "..|##|##|..|##|.#|#."),
        new('<', "...#|..#.|.#..|#...|.#..|..#.|...#"),
        new('=', ".....|.....|#####|.....|#####|.....|....."),
        new('>', "#...|.#..|..#.|...#|..#.|.#..|#..."),
        new('?', ".###.|#...#|....#|...#.|..#..|.....|..#.."),
        new('@', ".###.|#...#|#.###|#.#.#|#.###|#....|.####"),
        new('A', ".###.|#...#|#...#|#####|#...#|#...#|#...#"),
        new('B', "####.|#...#|#...#|####.|#...#|#...#|####."),
        new('C', ".###.|#...#|#....|#....|#....|#...#|.###."),
        new('D', "###..|#..#.|#...#|#...#|#...#|#..#.|###.."),
        new('E', "#####|#....|#....|####.|#....|#....|#####"),
        new('F', "#####|#....|#....|####.|#....|#....|#...."),
        new('G', ".###.|#...#|#....|#.###|#...#|#...#|.####"),
        new('H', "#...#|#...#|#...#|#####|#...#|#...#|#...#"),
        new('I', "###|.#.|.#.|.#.|.#.|.#.|###"),
        new('J', "..###|...#.|...#.|...#.|...#.|#..#.|.##.."),
        new('K', "#...#|#..#.|#.#..|##...|#.#..|#..#.|#...#"),
        new('L', "#....|#....|#....|#....|#....|#....|#####"),
        new('M', "#...#|##.##|#.#.#|#.#.#|#...#|#...#|#...#"),
        new('N', "#...#|#...#|##..#|#.#.#|#..##|#...#|#...#"),
        new('O', ".###.|#...#|#...#|#...#|#...#|#...#|.###."),
        new('P', "####.|#...#|#...#|####.|#....|#....|#...."),
        new('Q', ".###.|#...#|#...#|#...#|#.#.#|#..#.|.##.#"),
        new('R', "####.|#...#|#...#|####.|#.#..|#..#.|#...#"),
        new('S', ".####|#....|#....|.###.|....#|....#|####."),
        new('T', "#####|..#..|..#..|..#..|..#..|..#..|..#.."),
        new('U', "#...#|#...#|#...#|#...#|#...#|#...#|.###."),
        new('V', "#...#|#...#|#...#|#...#|#...#|.#.#.|..#.."),
        new('W', "#...#|#...#|#...#|#.#.#|#.#.#|#.#.#|.#.#."),
        new('X', "#...#|#...#|.#.#.|..#..|.#.#.|#...#|#...#"),
        new('Y', "#...#|#...#|.#.#.|..#..|..#..|..#..|..#.."),
        new('Z', "#####|....#|...#.|..#..|.#...|#....|#####"),
        new('[', "##|#.|#.|#.|#.|#.|##"),
        new('\\', "#....|#....|.#...|..#..|...#.|....#|....#"),
        new(']', "##|.#|.#|.#|.#|.#|##"),
        new('^', "..#..|.#.#.|#...#|.....|.....|.....|....."),
        new('_', ".....|.....|.....|.....|.....|.....|.....|#####"),
        new('`', "#.|.#|..|..|..|..|.."),
        new('a', ".....|.....|.###.|....#|.####|#...#|.####"),
        new('b', "#....|#....|####.|#...#|#...#|#...#|####."),
        new('c', ".....|.....|.###.|#....|#....|#...#|.###."),
        new('d', "....#|....#|.####|#...#|#...#|#...#|.####"),
        new('e', ".....|.....|.###.|#...#|#####|#....|.###."),
        new('f', "..##|.#..|.#..|###.|.#..|.#..|.#.."),
        new('g', ".....|.....|.####|#...#|#...#|#...#|.####|....#|.###."),
        new('h', "#....|#....|#.##.|##..#|#...#|#...#|#...#"),
        new('i', ".#.|...|##.|.#.|.#.|.#.|###"),
        new('j', "...#|....|..##|...#|...#|...#|...#|#..#|.##."),
        new('k', "#...|#...|#..#|#.#.|##..|#.#.|#..#"),
        new('l', "##.|.#.|.#.|.#.|.#.|.#.|###"),
        new('m', ".....|.....|##.#.|#.#.#|#.#.#|#.#.#|#.#.#"),
        new('n', ".....|.....|#.##.|##..#|#...#|#...#|#...#"),
        new('o', ".....|.....|.###.|#...#|#...#|#...#|.###."),
        new('p', ".....|.....|####.|#...#|#...#|#...#|####.|#....|#...."),
        new('q', ".....|.....|.####|#...#|#...#|#...#|.####|....#|....#"),
        new('r', ".....|.....|#.##.|##..#|#....|#....|#...."),
        new('s', ".....|.....|.####|#....|.###.|....#|####."),
        new('t', ".#..|.#..|###.|.#..|.#..|.#.#|..#."),
        new('u', ".....|.....|#...#|#...#|#...#|#..##|.##.#"),
        new('v', ".....|.....|#...#|#...#|#...#|.#.#.|..#.."),
        new('w', ".....|.....|#...#|#...#|#.#.#|#.#.#|.#.#."),
        new('x', ".....|.....|#...#|.#.#.|..#..|.#.#.|#...#"),
        new('y', ".....|.....|#...#|#...#|#...#|#...#|.####|....#|.###."),
        new('z', ".....|.....|#####|...#.|..#..|.#...|#####"),
        new('{', "..#|.#.|.#.|#..|.#.|.#.|..#"),
        new('|', "#|#|#|#|#|#|#"),
        new('}', "#..|.#.|.#.|..#|.#.|.#.|#.."),
        new('~', ".....|.....|.#...|#.#.#|...#.|.....|....."),
    ];

    /// <summary>Every glyph, from ' ' (U+0020) to '~' (U+007E).</summary>
    public static IReadOnlyList<Glyph> Glyphs => Table;

    /// <summary>The glyph drawn for <paramref name="character"/>.</summary>
    public static Glyph GlyphOf(char character) => character switch
    {
        >= ' ' and <= '~' => Table[character - ' '],
        '\u2212' => Table['-' - ' '],
        _ => Table['?' - ' '],
    };

    /// <summary>Width and height in pixels of <paramref name="text"/> on one line at <paramref name="scale"/>; (0, 0) for empty text.</summary>
    public static (int Width, int Height) Measure(string text, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return (0, 0);
        int width = text.Sum(c => GlyphOf(c).Width) + Spacing * (text.Length - 1);
        return (width * scale, LineHeight * scale);
    }

    /// <summary>
    /// Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>) into
    /// interleaved 8-bit pixels (<paramref name="height"/>, <paramref name="width"/>, <paramref name="channels"/>),
    /// setting ink pixels to <paramref name="ink"/> in every channel; pixels outside the picture are skipped.
    /// </summary>
    public static void Draw(Span<byte> pixels, int width, int height, int channels, int x, int y, string text, int scale = 1, byte ink = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale must be at least 1.");
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"{pixels.Length} bytes do not hold {width}×{height} pixels of {channels} channels.", nameof(pixels));
        int left = x;
        foreach (char c in text)
        {
            var glyph = GlyphOf(c);
            for (int row = 0; row < glyph.Rows.Count; row++)
                for (int column = 0; column < glyph.Width; column++)
                {
                    if (!glyph.Ink(column, row)) continue;
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++)
                        {
                            int px = left + column * scale + dx, py = y + row * scale + dy;
                            if (px < 0 || py < 0 || px >= width || py >= height) continue;
                            pixels.Slice((py * width + px) * channels, channels).Fill(ink);
                        }
                }
            left += (glyph.Width + Spacing) * scale;
        }
    }
}
