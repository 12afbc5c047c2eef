using Workbench.Evaluation;
using Workbench.Experiments.Figures;
using Workbench.Models;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Plotting;

/// <summary>
/// Labels drawn into image grids: the font's layout against the ink it draws, and for every kind of grid the
/// label text read back from the PNG by template matching (<see cref="FontReader"/>) with the tiles unchanged.
/// </summary>
public class GridLabelTests
{
    private const string Printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    [Fact]
    public void Glyphs_PrintableAscii_OneGlyphEachInOrderAllDistinct()
    {
        Assert.Equal(95, BitmapFont.Glyphs.Count);
        Assert.Equal(Printable, new string(BitmapFont.Glyphs.Select(g => g.Character).ToArray()));
        var bitmaps = BitmapFont.Glyphs.Select(g => $"{g.Width}:{string.Join("|", g.Rows)}").ToArray();
        Assert.Equal(bitmaps.Length, bitmaps.Distinct().Count());
        Assert.All(BitmapFont.Glyphs.Where(g => g.Character != ' '), g => Assert.Contains(g.Rows, r => r.Contains('#')));
        Assert.Equal('-', BitmapFont.GlyphOf('\u2212').Character); // the minus sign draws as a hyphen
        Assert.Equal('?', BitmapFont.GlyphOf('é').Character);
    }

    [Theory]
    [InlineData("Bay", 1)]
    [InlineData("Bay", 2)]
    [InlineData("Trouser", 3)]
    [InlineData("HW", 2)]
    public void Measure_TextWithInkAtBothEnds_EqualsBoundingBoxOfDrawnInk(string text, int scale)
    {
        var (width, height) = BitmapFont.Measure(text, scale);
        var pixels = new byte[200 * 60];
        Array.Fill(pixels, (byte)255);
        BitmapFont.Draw(pixels, 200, 60, 1, 7, 5, text, scale);

        var ink = Enumerable.Range(0, pixels.Length).Where(i => pixels[i] == 0).Select(i => (X: i % 200, Y: i / 200)).ToArray();
        Assert.Equal(7, ink.Min(p => p.X));
        Assert.Equal(width, ink.Max(p => p.X) - 7 + 1);
        Assert.Equal(5, ink.Min(p => p.Y));
        // "Bay" reaches the descender (9 rows); the others stop at the baseline (7 rows).
        Assert.Equal(text == "Bay" ? height : 7 * scale, ink.Max(p => p.Y) - 5 + 1);
        // Widths add up: glyph widths plus one blank column between neighbours.
        Assert.Equal((text.Sum(c => BitmapFont.GlyphOf(c).Width) + text.Length - 1) * scale, width);
    }

    [Fact]
    public void Draw_EveryPrintableCharacter_ReadsBackByTemplateMatching()
    {
        const int scale = 2;
        var text = Printable.Trim();
        var (width, height) = BitmapFont.Measure(text, scale);
        int w = width + 20, h = height + 20;
        var pixels = new byte[w * h * 3];
        Array.Fill(pixels, (byte)255);
        BitmapFont.Draw(pixels, w, h, 3, 10, 10, text, scale);
        Assert.Equal(text, FontReader.Read(pixels, w, h, 3, 10, 10, scale, right: w));
        // The reader is strict: one pixel row off, nothing matches.
        Assert.Throws<InvalidDataException>(() => FontReader.Read(pixels, w, h, 3, 10, 10 + scale, scale, right: w));
    }

    [Fact]
    public void Measure_Empty_IsZeroAndDrawsNothing()
    {
        Assert.Equal((0, 0), BitmapFont.Measure("", 2));
        var pixels = new byte[10 * 10];
        BitmapFont.Draw(pixels, 10, 10, 1, 0, 0, "", 2, ink: 9);
        Assert.All(pixels, p => Assert.Equal(0, p));
    }

    [Fact]
    public void WithLabels_RandomTiles_CopiesEveryTilePixelUnchanged()
    {
        var rng = new Rng(4);
        var images = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 3 * 5 * 4).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
        var plain = ImageGrid.Compose(images, height: 5, width: 4, channels: 3, columns: 3, padding: 2, scale: 3);
        var labelled = plain.WithLabels(new GridLabels { Rows = ["a", "bb"], Columns = ["1", "2", "3"], ColumnTitle = "a title wider than the tiles", RowTitle = "r" });

        Assert.True(labelled.MarginLeft > 0 && labelled.MarginTop > 0);
        AssertTilesEqual(plain, labelled);
        Assert.Throws<ArgumentException>(() => plain.WithLabels(new GridLabels { Rows = ["only one"] }));
        Assert.Throws<InvalidOperationException>(() => labelled.WithLabels(new GridLabels()));
    }

    [Fact]
    public void Reconstructions_Labelled_RowsReadOriginalThenReconstruction()
    {
        var (model, data) = Model(latent: 4);
        var grid = PictureGrids.Reconstructions(model, data, count: 12, columns: 4);

        var read = ReadLabels(grid);
        Assert.Equal(["original", "reconstruction", "original", "reconstruction", "original", "reconstruction"], RowTexts(grid, read));
        AssertTilesEqual(PictureGrids.Grid(model, Pictures.ReconstructionPairs(model, data, 12, 4), 4), grid);
    }

    [Fact]
    public void Traversals_Labelled_RowsNameDimensionsColumnsReadSweptValues()
    {
        var (model, data) = Model(latent: 6);
        int[] dimensions = [3, 0, 5];
        var values = Pictures.TraversalValues(steps: 9, range: 3f);
        var images = Pictures.Traversals(model, data, dimensions: 3, steps: 9); // any (3·9, D) batch: labels do not depend on it
        var grid = PictureGrids.Traversals(model, images, dimensions, values);

        var read = ReadLabels(grid);
        Assert.Equal(["z3", "z0", "z5"], RowTexts(grid, read));
        Assert.Equal(["-3", "-2.25", "-1.5", "-0.75", "0", "+0.75", "+1.5", "+2.25", "+3"], ColumnTexts(grid, read));
        Assert.Contains("value of the row's dimension", read);
        AssertTilesEqual(PictureGrids.Grid(model, images, 9), grid);
    }

    [Fact]
    public void Manifold_Labelled_AxesReadGaussianQuantiles()
    {
        var (model, _) = Model(latent: 2);
        var grid = PictureGrids.Manifold(model, side: 15);

        var read = ReadLabels(grid);
        // Φ⁻¹((i + ½)/15) to one decimal: −1.834, −1.282, −0.967, −0.728, −0.524, −0.341, −0.168, 0, …
        string[] ascending = ["-1.8", "-1.3", "-1.0", "-0.7", "-0.5", "-0.3", "-0.2", "0.0", "+0.2", "+0.3", "+0.5", "+0.7", "+1.0", "+1.3", "+1.8"];
        Assert.Equal(ascending, ColumnTexts(grid, read));
        Assert.Equal(ascending.Reverse(), RowTexts(grid, read)); // the top row has the highest z1
        Assert.Contains("z0", read);
        Assert.Contains("z1", read);
        AssertTilesEqual(PictureGrids.Grid(model, Pictures.Manifold(model, 15), 15), grid);
    }

    [Fact]
    public void ClassGrid_FashionMnist_RowsReadClassNames()
    {
        var model = VariationalAutoencoder.Create(new ConditionalVaeConfig { HiddenSizes = [8], LatentSize = 2 }, new Rng(1));
        var grid = PictureGrids.ClassGrid(model, perClass: 3, seed: 2, Workbench.Data.FashionMnist.ClassNames);

        var read = ReadLabels(grid);
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], RowTexts(grid, read));
        Assert.Contains("class", read);
        AssertTilesEqual(PictureGrids.Grid(model, Pictures.ClassGrid(model, 3, 2), 3), grid);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], PictureGrids.ClassLabels(10, null).Rows);
    }

    private static (VariationalAutoencoder Model, Workbench.Data.ImageDataset Data) Model(int latent) =>
        (TestData.SmallMlp(latent: latent).Build(new Rng(1)), TestData.Fashion(20));

    /// <summary>
    /// Every label read back from the grid's PNG at its placement, after checking that labels neither overlap
    /// one another nor the tiles, and that no ink lies in the margin outside them.
    /// </summary>
    private static List<string> ReadLabels(ImageGrid grid)
    {
        var png = PngReader.Decode(grid.ToPng());
        Assert.Equal((grid.Width, grid.Height), (png.Width, png.Height));
        var boxes = grid.Texts.Select(t => (t.X, t.Y, Right: t.X + t.Size.Width, Bottom: t.Y + t.Size.Height)).ToArray();
        var tiles = (Left: grid.MarginLeft, Top: grid.MarginTop);
        for (int i = 0; i < boxes.Length; i++)
        {
            Assert.True(boxes[i].X >= 0 && boxes[i].Right <= grid.Width && boxes[i].Y >= 0, $"label '{grid.Texts[i].Text}' leaves the picture");
            Assert.True(boxes[i].Right <= tiles.Left || boxes[i].Bottom <= tiles.Top, $"label '{grid.Texts[i].Text}' overlaps the tiles");
            for (int j = 0; j < i; j++)
                Assert.False(boxes[i].X < boxes[j].Right && boxes[j].X < boxes[i].Right && boxes[i].Y < boxes[j].Bottom && boxes[j].Y < boxes[i].Bottom,
                    $"labels '{grid.Texts[i].Text}' and '{grid.Texts[j].Text}' overlap");
        }
        for (int y = 0; y < png.Height; y++)
            for (int x = 0; x < png.Width; x++)
            {
                bool inMargin = x < tiles.Left || y < tiles.Top;
                if (inMargin && png.Pixel(x, y)[0] < 128)
                    Assert.True(boxes.Any(b => x >= b.X && x < b.Right && y >= b.Y && y < b.Bottom), $"ink at ({x}, {y}) outside every label");
            }
        return grid.Texts.Select(t => FontReader.Read(png.Pixels, png.Width, png.Height, png.Channels, t.X, t.Y, t.Scale, right: t.X + t.Size.Width + t.Scale)).ToList();
    }

    /// <summary>Labels left of the tiles, top to bottom, one per row of tiles, excluding the corner heading.</summary>
    private static string[] RowTexts(ImageGrid grid, List<string> read) =>
        grid.Texts.Select((t, i) => (t, Text: read[i])).Where(p => p.t.X + p.t.Size.Width <= grid.MarginLeft && p.t.Y >= grid.MarginTop)
            .OrderBy(p => p.t.Y).Select(p => p.Text).ToArray();

    /// <summary>Labels directly above the tiles' columns, left to right.</summary>
    private static string[] ColumnTexts(ImageGrid grid, List<string> read)
    {
        int lowest = grid.Texts.Where(t => t.Y < grid.MarginTop && t.X >= grid.MarginLeft).Max(t => t.Y);
        return grid.Texts.Select((t, i) => (t, Text: read[i])).Where(p => p.t.Y == lowest && p.t.X >= grid.MarginLeft)
            .OrderBy(p => p.t.X).Select(p => p.Text).ToArray();
    }

    /// <summary>Each tile of <paramref name="plain"/> (padding included) equals the same block of <paramref name="labelled"/> at its offset.</summary>
    private static void AssertTilesEqual(ImageGrid plain, ImageGrid labelled)
    {
        Assert.Equal((plain.CellWidth, plain.CellHeight, plain.Columns, plain.Rows), (labelled.CellWidth, labelled.CellHeight, labelled.Columns, labelled.Rows));
        int c = plain.Channels;
        for (int y = 0; y < plain.Height; y++)
        {
            var expected = plain.Pixels.AsSpan(y * plain.Width * c, plain.Width * c);
            var actual = labelled.Pixels.AsSpan(((labelled.MarginTop + y) * labelled.Width + labelled.MarginLeft) * c, plain.Width * c);
            Assert.True(expected.SequenceEqual(actual), $"tile row {y} changed by the labels");
        }
        for (int i = 0; i < plain.Columns * plain.Rows; i++)
            Assert.Equal((plain.CellOrigin(i).X + labelled.MarginLeft, plain.CellOrigin(i).Y + labelled.MarginTop), labelled.CellOrigin(i));
    }
}
