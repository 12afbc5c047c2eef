namespace Workbench.Evaluation;

/// <summary>
/// Peak signal-to-noise ratio of images with pixels in [0, 1] (peak 1): 10 log₁₀(1 / MSE) dB per image,
/// MSE the mean squared pixel difference from the clean image. Higher is closer; +∞ for identical images.
/// </summary>
public static class Psnr
{
    /// <summary>PSNR of every image of <paramref name="images"/> against the same row of <paramref name="clean"/>, dB. Both (N · pixels), image-major.</summary>
    public static double[] PerImage(ReadOnlySpan<float> clean, ReadOnlySpan<float> images, int pixels)
    {
        if (pixels < 1) throw new ArgumentOutOfRangeException(nameof(pixels), pixels, "An image has at least one pixel.");
        if (clean.Length != images.Length || clean.Length % pixels != 0)
            throw new ArgumentException($"PSNR compares images of {pixels} pixels one to one; got {clean.Length} clean and {images.Length} other values.", nameof(images));
        var result = new double[clean.Length / pixels];
        for (int n = 0; n < result.Length; n++)
        {
            double sum = 0;
            for (int i = n * pixels; i < (n + 1) * pixels; i++)
            {
                double difference = images[i] - clean[i];
                sum += difference * difference;
            }
            result[n] = 10 * Math.Log10(pixels / sum); // 1 / MSE = pixels / Σ d²
        }
        return result;
    }

    /// <summary>Mean of <see cref="PerImage"/> over the images, dB.</summary>
    public static double Mean(ReadOnlySpan<float> clean, ReadOnlySpan<float> images, int pixels) => PerImage(clean, images, pixels).Average();
}
