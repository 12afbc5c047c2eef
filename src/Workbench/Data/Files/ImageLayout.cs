namespace Workbench.Data.Files;

/// <summary>
/// How the images of an array are laid out, told from its shape: (N, H, W) is greyscale; (N, H, W, C) with C the last axis
/// when it is 1–4 (NumPy's, PIL's and TensorFlow's order); otherwise (N, C, H, W) when the second axis is 1–4 (PyTorch's).
/// C = 2 is grey + alpha, C = 4 is RGBA: the alpha is applied over black (each value times alpha) and dropped, so images
/// come out with 1 or 3 channels, in (C, H, W) order.
/// </summary>
/// <remarks>An image only 1–4 pixels wide is read as (N, H, W, C): store such an array as (N, C, H, W) with C ≥ 5, or transpose it to (N, H, W, C).</remarks>
internal readonly record struct ImageLayout(int Count, int StoredChannels, int Height, int Width, bool ChannelsLast)
{
    /// <summary>Channels after alpha is applied: 1 or 3.</summary>
    public int Channels => StoredChannels is 2 or 4 ? StoredChannels - 1 : StoredChannels;

    public bool HasAlpha => StoredChannels is 2 or 4;

    public int StoredValuesPerImage => StoredChannels * Height * Width;

    public int ValuesPerImage => Channels * Height * Width;

    /// <summary>The layout of an array of <paramref name="shape"/>.</summary>
    /// <exception cref="DataFileException">Not 3 or 4 axes, an empty image, or no axis that is a channel count.</exception>
    public static ImageLayout FromShape(long[] shape, string file)
    {
        string text = $"({string.Join(", ", shape)})";
        if (shape.Length is not (3 or 4))
            throw new DataFileException(file, $"images have shape (N, H, W), (N, H, W, C) or (N, C, H, W); this array has shape {text}");
        if (shape.Skip(1).Any(d => d == 0) || shape.Skip(1).Any(d => d > 65535))
            throw new DataFileException(file, $"image sides and channels must be 1 to 65535; this array has shape {text}");
        if (shape[0] > int.MaxValue) throw new DataFileException(file, $"holds {shape[0]} images; at most {int.MaxValue} are supported");
        if (shape.Length == 3) return Checked(new ImageLayout((int)shape[0], 1, (int)shape[1], (int)shape[2], ChannelsLast: false), file, text);
        if (shape[3] is >= 1 and <= 4) return Checked(new ImageLayout((int)shape[0], (int)shape[3], (int)shape[1], (int)shape[2], ChannelsLast: true), file, text);
        if (shape[1] is >= 1 and <= 4) return Checked(new ImageLayout((int)shape[0], (int)shape[1], (int)shape[2], (int)shape[3], ChannelsLast: false), file, text);
        throw new DataFileException(file, $"shape {text} has no channel axis: the last axis (N, H, W, C) or the second (N, C, H, W) must be 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA)");
    }

    private static ImageLayout Checked(ImageLayout layout, string file, string text) =>
        (long)layout.StoredChannels * layout.Height * layout.Width > int.MaxValue / 4
            ? throw new DataFileException(file, $"images of shape {text} are too large: one image must hold fewer than {int.MaxValue / 4} values")
            : layout;

    /// <summary>Shape of one stored image in words, "28×28×3 (H, W, C)".</summary>
    public string StoredText() => StoredChannels == 1 && !ChannelsLast ? $"{Height}×{Width}"
        : ChannelsLast ? $"{Height}×{Width}×{StoredChannels} (H, W, C)" : $"{StoredChannels}×{Height}×{Width} (C, H, W)";

    /// <summary>One stored image of bytes to (C, H, W) order with alpha applied.</summary>
    public void ToChw(ReadOnlySpan<byte> stored, Span<byte> output)
    {
        if (!ChannelsLast && !HasAlpha) { stored.CopyTo(output); return; }
        int pixels = Height * Width, c = Channels, s = StoredChannels;
        for (int q = 0; q < pixels; q++)
        {
            int alpha = HasAlpha ? At(stored, q, s - 1) : 255;
            for (int k = 0; k < c; k++)
            {
                int v = At(stored, q, k);
                output[k * pixels + q] = HasAlpha ? (byte)((v * alpha + 127) / 255) : (byte)v;
            }
        }
    }

    /// <summary>One stored image of floats to (C, H, W) order with alpha applied.</summary>
    public void ToChw(ReadOnlySpan<float> stored, Span<float> output)
    {
        if (!ChannelsLast && !HasAlpha) { stored.CopyTo(output); return; }
        int pixels = Height * Width, c = Channels, s = StoredChannels;
        for (int q = 0; q < pixels; q++)
        {
            float alpha = HasAlpha ? At(stored, q, s - 1) : 1f;
            for (int k = 0; k < c; k++) output[k * pixels + q] = HasAlpha ? At(stored, q, k) * alpha : At(stored, q, k);
        }
    }

    private T At<T>(ReadOnlySpan<T> stored, int pixel, int channel) =>
        ChannelsLast ? stored[pixel * StoredChannels + channel] : stored[channel * Height * Width + pixel];
}
