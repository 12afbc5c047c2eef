namespace Workbench.Plotting;

/// <summary>
/// plotly's <c>image</c> trace: pixels shown at their true aspect ratio, row 0 at the top.
/// Give either <see cref="Source"/> (a PNG data URI; compact, see <c>ImageGrid.ToDataUri</c>) or
/// <see cref="Z"/> as z[row][column] = [r, g, b] or [r, g, b, a] with channels in 0…255.
/// </summary>
public sealed class Image : Trace
{
    public override string Type => "image";

    /// <summary>"data:image/png;base64,…".</summary>
    public string? Source { get; set; }

    /// <summary>(H, W, 3|4) colour values.</summary>
    public int[][][]? Z { get; set; }

    /// <summary>"rgb" or "rgba" (plotly infers it from the channel count when null).</summary>
    public string? ColorModel { get; set; }

    /// <summary>Position of the top-left pixel centre and the pixel pitch in axis units.</summary>
    public double? X0 { get; set; }
    public double? Y0 { get; set; }
    public double? Dx { get; set; }
    public double? Dy { get; set; }

    public string? HoverInfo { get; set; }

    /// <summary>An image trace from interleaved 8-bit pixels (H, W, channels) with 3 or 4 channels.</summary>
    public static Image FromPixels(ReadOnlySpan<byte> pixels, int height, int width, int channels)
    {
        if (channels is not (3 or 4)) throw new ArgumentException($"Image traces take 3 (RGB) or 4 (RGBA) channels, got {channels}.", nameof(channels));
        if (pixels.Length != height * width * channels)
            throw new ArgumentException($"Expected {height}×{width}×{channels} = {height * width * channels} bytes, got {pixels.Length}.", nameof(pixels));
        var z = new int[height][][];
        for (int y = 0; y < height; y++)
        {
            z[y] = new int[width][];
            for (int x = 0; x < width; x++)
            {
                var px = new int[channels];
                for (int c = 0; c < channels; c++) px[c] = pixels[(y * width + x) * channels + c];
                z[y][x] = px;
            }
        }
        return new Image { Z = z, ColorModel = channels == 4 ? "rgba" : "rgb" };
    }
}
