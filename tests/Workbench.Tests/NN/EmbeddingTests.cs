using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;
using static Workbench.Tests.NN.RecurrentOracle;

namespace Workbench.Tests.NN;

public class EmbeddingTests
{
    [Fact]
    public void Embedding_WithPaddingIdx_MatchesPyTorchValuesAndGradients()
    {
        var embedding = new Embedding(7, 3, new Rng(1), paddingIdx: 2);
        embedding.Weight.CopyFrom(Get("embedding.weight"));
        var ids = new TokenIds(Get("embedding.ids").ToArray().Select(v => (int)v).ToArray(), 2, 4);
        var y = embedding.Forward(ids);
        Weighted(y, "embedding.r").Backward();
        Assert.Equal(new[] { 2, 4, 3 }, y.Shape);
        Assert.Equal(Get("embedding.out").ToArray(), y.ToArray());
        Close.Assert(Get("embedding.grad.weight").Span, embedding.Weight.Grad!.Span, 1e-6, 1e-7, "dW");
        Assert.All(embedding.Weight.Grad!.Span.Slice(2 * 3, 3).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Embedding_WithoutPadding_GradientMatchesFiniteDifferences()
    {
        // With a padding row the gradient is zero there by definition (not the finite difference); the fixture test covers it.
        var ids = new TokenIds([3, 0, 3, 1, 4, 0], 3, 2);
        GradCheck.AssertGradients(t => Tensor.Embedding(ids, t[0]), [GradCheck.Random(4, 5, 2)], step: 1e-2f);
    }

    [Fact]
    public void Embedding_Initialisation_IsStandardNormalWithZeroPaddingRow()
    {
        var embedding = new Embedding(400, 8, new Rng(2), paddingIdx: -1);
        Assert.Equal(399, embedding.PaddingIdx);
        var values = embedding.Weight.ToArray();
        Assert.All(values[(399 * 8)..], v => Assert.Equal(0f, v));
        double mean = values[..(399 * 8)].Average(v => (double)v);
        double variance = values[..(399 * 8)].Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(variance, 0.9, 1.1);
        Assert.Equal("Embedding(400, 8, padding_idx=399)", embedding.ToString());
    }

    [Fact]
    public void Embedding_TokenIdOutOfRange_ThrowsNamingPositionAndValue()
    {
        var embedding = new Embedding(10, 4, new Rng(3));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => embedding.Forward(new TokenIds([1, 2, 3, 4, 10, 5], 2, 3)));
        Assert.Contains("token id 10 at position (1, 1) is outside 0..9", error.Message);
    }

    [Fact]
    public void Embedding_PaddingIdxOutOfRange_ThrowsNamingRange()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(10, 4, new Rng(3), paddingIdx: 10));
        Assert.Contains("padding_idx 10 is outside -10..9", error.Message);
    }

    [Fact]
    public void TokenIds_ShapeNotMatchingCount_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new TokenIds([1, 2, 3], 2, 2));
        Assert.Contains("3 token ids cannot fill shape (2, 2)", error.Message);
    }
}
