namespace Workbench.Plotting.Imaging;

public sealed partial class ImageGrid
{
    /// <summary>
    /// A saved, unlabelled grid read back from its pixels, given the size of its tiles and the padding
    /// between them: the inverse of <see cref="Compose"/>, so that labels can be added to a picture whose
    /// images cannot be drawn again (a run kept without its model).
    /// </summary>
    /// <exception cref="InvalidDataException">The picture is not such a grid: its size does not fit whole tiles, or a
    /// padding pixel differs from the background (a labelled grid fails here, so it is never labelled twice).</exception>
    public static ImageGrid FromTiledImage(PngImage image, int cellWidth, int cellHeight, int padding)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels is not (1 or 3)) throw new InvalidDataException($"An image grid has 1 or 3 channels; this picture has {image.Channels}.");
        if (cellWidth < 1 || cellHeight < 1 || padding < 1) throw new ArgumentOutOfRangeException(nameof(padding), "Tiles and padding must be at least 1 pixel.");
        int pitchX = cellWidth + padding, pitchY = cellHeight + padding;
        if ((image.Width - padding) % pitchX != 0 || (image.Height - padding) % pitchY != 0 || image.Width <= padding || image.Height <= padding)
            throw new InvalidDataException($"A {image.Width}×{image.Height} picture is not a grid of {cellWidth}×{cellHeight} tiles {padding} pixels apart.");
        var background = image.Pixels.AsSpan(0, image.Channels);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                bool isPadding = (x % pitchX) < padding || (y % pitchY) < padding;
                if (isPadding && !image.Pixels.AsSpan((y * image.Width + x) * image.Channels, image.Channels).SequenceEqual(background))
                    throw new InvalidDataException($"Pixel ({x}, {y}) lies between tiles but is not background: the picture is not an unlabelled grid of {cellWidth}×{cellHeight} tiles.");
            }
        return new ImageGrid(image.Pixels, image.Width, image.Height, image.Channels, cellWidth, cellHeight, (image.Width - padding) / pitchX, padding);
    }
}
