using System.Net;
using Workbench.Display;

namespace Workbench.Plotting.Imaging;

/// <summary>
/// N equally sized images (float intensities in [0, 1], grayscale or RGB) tiled row-major into one
/// 8-bit picture with <c>padding</c> pixels of background around and between cells, each image
/// optionally enlarged by an integer factor (nearest neighbour, so pixels stay crisp). Typical use:
/// a batch of VAE reconstructions or samples, shown in a notebook or saved as PNG.
/// In a notebook it shows as an &lt;img&gt; with a PNG data URI.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<ImageGrid>), PreferredMimeTypes = ["text/html"])]
public sealed partial class ImageGrid : IHtmlDisplayable
{
    private ImageGrid(byte[] pixels, int width, int height, int channels, int cellWidth, int cellHeight, int columns, int padding,
        int marginLeft = 0, int marginTop = 0, IReadOnlyList<TextPlacement>? texts = null)
    {
        MarginLeft = marginLeft;
        MarginTop = marginTop;
        Texts = texts ?? [];
        Pixels = pixels;
        Width = width;
        Height = height;
        Channels = channels;
        CellWidth = cellWidth;
        CellHeight = cellHeight;
        Columns = columns;
        Padding = padding;
    }

    /// <summary>Interleaved 8-bit pixels, (Height, Width, Channels).</summary>
    public byte[] Pixels { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>1 (grayscale) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>Size of one (scaled) image in the grid.</summary>
    public int CellWidth { get; }
    public int CellHeight { get; }
    public int Columns { get; }
    public int Padding { get; }

    /// <summary>Width of the label margin left of the tiles (0 without labels).</summary>
    public int MarginLeft { get; }

    /// <summary>Height of the label margin above the tiles (0 without labels).</summary>
    public int MarginTop { get; }

    /// <summary>The label text drawn into the picture and where (empty without labels).</summary>
    public IReadOnlyList<TextPlacement> Texts { get; }

    /// <summary>
    /// Tiles <paramref name="images"/>, each a planar (channels, height, width) array as in one item
    /// of an (N, C, H, W) tensor. Values are clamped to [0, 1] and mapped to round(255·v).
    /// </summary>
    /// <param name="columns">Images per row (fewer if there are fewer images).</param>
    /// <param name="scale">Integer enlargement per image (nearest neighbour).</param>
    /// <param name="background">Intensity in [0, 1] of the padding.</param>
    public static ImageGrid Compose(
        IReadOnlyList<float[]> images, int height, int width, int channels = 1,
        int columns = 8, int padding = 2, int scale = 1, float background = 1f)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("An image grid needs at least one image.", nameof(images));
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Images must have 1 (grayscale) or 3 (RGB) channels.");
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"Image size must be positive, got {height}×{width}.");
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Columns must be at least 1.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "Padding cannot be negative.");
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale must be at least 1.");
        int imageLength = channels * height * width;
        for (int i = 0; i < images.Count; i++)
            if (images[i].Length != imageLength)
                throw new ArgumentException($"Image {i} has {images[i].Length} values; expected {channels}×{height}×{width} = {imageLength}.", nameof(images));

        columns = Math.Min(columns, images.Count);
        int rows = (images.Count + columns - 1) / columns;
        int cellWidth = width * scale, cellHeight = height * scale;
        int gridWidth = columns * cellWidth + (columns + 1) * padding;
        int gridHeight = rows * cellHeight + (rows + 1) * padding;

        var pixels = new byte[gridWidth * gridHeight * channels];
        Array.Fill(pixels, ToByte(background));
        var grid = new ImageGrid(pixels, gridWidth, gridHeight, channels, cellWidth, cellHeight, columns, padding);
        for (int i = 0; i < images.Count; i++)
        {
            var (x0, y0) = grid.CellOrigin(i);
            var image = images[i];
            for (int y = 0; y < cellHeight; y++)
            {
                int sourceRow = (y / scale) * width;
                int targetRow = ((y0 + y) * gridWidth + x0) * channels;
                for (int x = 0; x < cellWidth; x++)
                    for (int c = 0; c < channels; c++)
                        pixels[targetRow + x * channels + c] = ToByte(image[c * height * width + sourceRow + x / scale]);
            }
        }
        return grid;
    }

    /// <summary>Tiles the first <paramref name="count"/> images of a flat (N, C, H, W) batch.</summary>
    public static ImageGrid FromBatch(
        float[] batch, int count, int channels, int height, int width,
        int columns = 8, int padding = 2, int scale = 1, float background = 1f)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int imageLength = channels * height * width;
        if (count < 1 || (long)count * imageLength > batch.Length)
            throw new ArgumentException($"Batch of {batch.Length} values does not hold {count} images of {channels}×{height}×{width}.", nameof(count));
        var images = new float[count][];
        for (int i = 0; i < count; i++) images[i] = batch.AsSpan(i * imageLength, imageLength).ToArray();
        return Compose(images, height, width, channels, columns, padding, scale, background);
    }

    /// <summary>Top-left pixel (x, y) of image <paramref name="index"/> in the grid.</summary>
    public (int X, int Y) CellOrigin(int index) =>
        (MarginLeft + Padding + (index % Columns) * (CellWidth + Padding), MarginTop + Padding + (index / Columns) * (CellHeight + Padding));

    public byte[] ToPng() => PngEncoder.Encode(Pixels, Width, Height, Channels == 1 ? PngColorType.Grayscale : PngColorType.Rgb);

    public void SavePng(string path) => Workbench.IO.AtomicFile.WriteAllBytes(path, ToPng());

    /// <summary>"data:image/png;base64,…" for embedding in HTML or a plotly image trace.</summary>
    public string ToDataUri() => PngEncoder.ToDataUri(ToPng());

    /// <summary>An &lt;img&gt; element showing the grid at its pixel size, without smoothing.</summary>
    public string ToHtml(string? alt = null) =>
        $"<img src=\"{ToDataUri()}\" width=\"{Width}\" height=\"{Height}\" style=\"image-rendering: pixelated;\" alt=\"{WebUtility.HtmlEncode(alt ?? "image grid")}\">";

    string IHtmlDisplayable.ToHtml() => ToHtml(alt: null);

    public override string ToString() => $"ImageGrid ({Width}×{Height} px, {Columns} columns)";

    /// <summary>A plotly image trace showing the grid (one data unit per pixel).</summary>
    public Image ToImageTrace() => new() { Source = ToDataUri(), HoverInfo = "skip" };

    /// <summary>A figure holding only the grid, axes hidden, sized to show every pixel once.</summary>
    public Figure ToFigure(string? title = null)
    {
        int top = title is null ? 10 : 50;
        var figure = new Figure(ToImageTrace());
        if (title is not null) figure.Layout.Title = title;
        figure.Layout.Width = Width + 20;
        figure.Layout.Height = Height + top + 10;
        figure.Layout.Margin = new Margin { L = 10, R = 10, T = top, B = 10 };
        figure.Layout.XAxis().Visible = false;
        figure.Layout.YAxis().Visible = false;
        return figure;
    }

    private static byte ToByte(float v) => (byte)MathF.Round(Math.Clamp(float.IsNaN(v) ? 0f : v, 0f, 1f) * 255f);
}
