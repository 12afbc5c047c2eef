using Workbench.Data;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data;

/// <summary>The labelled subset of semi-supervised training: balanced over the classes and reproducible by seed.</summary>
public class LabelledSubsetTests
{
    private static readonly ImageDataset Train = TestData.Fashion(1000);

    [Fact]
    public void Draw_SameNumberFromEveryClass_DistinctIndicesWithTheirLabels()
    {
        var subset = LabelledSubset.Draw(Train, 50, seed: 4);
        Assert.Equal(50, subset.Indices.Distinct().Count());
        Assert.Equal(Enumerable.Repeat(5, 10), subset.Of(Train).ClassCounts());
        Assert.Equal(subset.Indices.Order(), subset.Indices);
        Assert.Equal((4UL, 50, 10), (subset.Seed, subset.Labels, subset.Classes));
    }

    [Fact]
    public void Draw_SameSeed_SameIndices_OtherSeed_OtherIndices()
    {
        Assert.Equal(LabelledSubset.Draw(Train, 100, 1).Indices, LabelledSubset.Draw(Train, 100, 1).Indices);
        Assert.NotEqual(LabelledSubset.Draw(Train, 100, 1).Indices, LabelledSubset.Draw(Train, 100, 2).Indices);
    }

    [Theory]
    [InlineData(15, "labels: must be a positive multiple of the number of classes (10)")]
    [InlineData(0, "labels: must be a positive multiple of the number of classes (10)")]
    [InlineData(2000, "labels: is 2000 but the training set has 1000 images.")]
    public void Draw_BadLabelCount_OneClearMessage(int labels, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => LabelledSubset.Draw(Train, labels, 1));
        Assert.StartsWith(message, error.Message);
    }
}
