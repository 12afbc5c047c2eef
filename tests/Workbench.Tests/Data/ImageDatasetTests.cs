using Workbench.Data;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data;

public class ImageDatasetTests
{
    /// <summary>5 images of 2×2; image i has every pixel i/10 + k/100 and label i mod 3.</summary>
    private static ImageDataset Small()
    {
        var pixels = new float[5 * 4];
        for (int i = 0; i < 5; i++)
            for (int k = 0; k < 4; k++)
                pixels[i * 4 + k] = i / 10f + k / 100f;
        return new ImageDataset(pixels, [0, 1, 2, 0, 1], 2, 2, ["a", "b", "c"]);
    }

    [Fact]
    public void Batch_GathersImagesAsRowsAndLabels()
    {
        var set = Small();
        var (images, labels) = set.Batch([3, 0]);
        Assert.Equal([2, 4], images.Shape);
        Assert.Equal([.. set.Image(3), .. set.Image(0)], images.ToArray());
        Assert.Equal(3 / 10f + 2 / 100f, images.ToArray()[2]);
        Assert.Equal([0, 0], labels);
    }

    [Fact]
    public void Subset_CopiesInGivenOrder()
    {
        var sub = Small().Subset([4, 2]);
        Assert.Equal(2, sub.Count);
        Assert.Equal([1, 2], sub.Labels.ToArray());
        Assert.Equal(0.4f, sub.Image(0)[0]);
        Assert.Equal(0.2f, sub.Image(1)[0]);
    }

    [Fact]
    public void OneHot_PutsOneOnePerRow()
    {
        var t = ImageDataset.OneHot([2, 0], 3);
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], t.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDataset.OneHot([3], 3));
    }

    [Fact]
    public void MeanImage_IsPerPixelAverage()
    {
        var mean = Small().MeanImage();
        Assert.Equal([4], mean.Shape);
        Close.Assert([0.2f, 0.21f, 0.22f, 0.23f], mean.ToArray(), 1e-6, 1e-6, "mean image");
    }

    [Fact]
    public void Constructor_RejectsMismatchedSizesAndLabels()
    {
        Assert.Throws<ArgumentException>(() => new ImageDataset(new float[7], [0, 0], 2, 2, ["a"]));
        Assert.Throws<ArgumentException>(() => new ImageDataset(new float[8], [0, 1], 2, 2, ["a"]));
    }

    [Fact]
    public void Batch_InsideTensorScope_IsPooledLikeOtherTensors()
    {
        var set = Small();
        Tensor images;
        using (TensorScope.Begin()) images = set.Batch([1]).Images;
        Assert.Throws<ObjectDisposedException>(() => images.ToArray());
    }

    [Fact]
    public void WithoutClasses_DropsExactlyThoseClassesKeepingOrderAndPixels()
    {
        var data = TestData.Synthetic(3, 25, 2, 2, classes: 5); // labels 0,1,2,3,4,0,1,…
        var kept = data.WithoutClasses(1, 3);
        Assert.Equal(15, kept.Count);
        Assert.DoesNotContain(1, kept.Labels.ToArray());
        Assert.DoesNotContain(3, kept.Labels.ToArray());
        var expected = Enumerable.Range(0, 25).Where(i => i % 5 is not (1 or 3)).ToArray();
        for (int k = 0; k < expected.Length; k++) Assert.Equal(data.Image(expected[k]).ToArray(), kept.Image(k).ToArray());
        Assert.Equal(data.ClassNames, kept.ClassNames);
        Assert.Contains("0–4", Assert.Throws<ArgumentOutOfRangeException>(() => data.WithoutClasses(5)).Message);
    }
}
