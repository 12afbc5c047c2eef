using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Tests.NN;

public class InitTests
{
    [Theory]
    [InlineData(new[] { 400, 784 }, 784, 400)]
    [InlineData(new[] { 32, 3, 4, 4 }, 48, 512)]
    [InlineData(new[] { 64, 32, 4, 5 }, 640, 1280)]  // ConvTranspose2d (in, out, kh, kw): fan_in uses dim 1 = out
    public void CalculateFans_WeightShapes_FollowPyTorch(int[] shape, int fanIn, int fanOut)
    {
        Assert.Equal((fanIn, fanOut), Init.CalculateFans(shape));
    }

    public static TheoryData<string, int> Layers => new()
    {
        { "Linear(1000, 300)", 1000 },
        { "Conv2d(16, 64, 5)", 16 * 25 },
        { "ConvTranspose2d(64, 16, 5)", 16 * 25 },
    };

    private static (Tensor Weight, Tensor Bias) Build(string layer, Rng rng) => layer switch
    {
        "Linear(1000, 300)" => new Linear(1000, 300, rng) is var l ? (l.Weight, l.Bias!) : default,
        "Conv2d(16, 64, 5)" => new Conv2d(16, 64, 5, rng) is var c ? (c.Weight, c.Bias!) : default,
        _ => new ConvTranspose2d(64, 16, 5, rng) is var t ? (t.Weight, t.Bias!) : default,
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void DefaultInit_LargeLayer_IsUniformWithinOneOverSqrtFanIn(string layer, int fanIn)
    {
        var (weight, bias) = Build(layer, new Rng(11));
        double bound = 1.0 / Math.Sqrt(fanIn);  // kaiming_uniform_(a=√5): √(2/6)·√(3/fan_in)

        var w = weight.ToArray();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        double mean = w.Average(v => (double)v);
        double std = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
        // U(−b, b) has standard deviation b/√3; with ≥ 25 600 draws the sample std is within ~1%.
        Assert.InRange(std, 0.97 * bound / Math.Sqrt(3), 1.03 * bound / Math.Sqrt(3));
        Assert.InRange(mean, -0.02 * bound, 0.02 * bound);
        Assert.True(w.Max(Math.Abs) > 0.99 * bound, "the samples should reach close to the bound");
        Assert.All(bias.ToArray(), v => Assert.InRange(v, -bound, bound));
    }

    [Fact]
    public void DefaultInit_SameSeed_SameWeights()
    {
        var a = new Sequential(new Conv2d(3, 4, 3, new Rng(21)), new Linear(10, 5, new Rng(22)));
        var b = new Sequential(new Conv2d(3, 4, 3, new Rng(21)), new Linear(10, 5, new Rng(22)));
        var c = new Sequential(new Conv2d(3, 4, 3, new Rng(23)), new Linear(10, 5, new Rng(22)));
        var pa = a.Parameters().ToList();
        var pb = b.Parameters().ToList();
        for (int i = 0; i < pa.Count; i++) Assert.Equal(pa[i].ToArray(), pb[i].ToArray());
        Assert.NotEqual(pa[0].ToArray(), c.Parameters().First().ToArray());
    }

    [Fact]
    public void KaimingUniform_ReluGain_UsesSqrtSixOverFanIn()
    {
        var weight = Tensor.Zeros(200, 150);
        Init.KaimingUniform(weight, new Rng(31), a: 0);
        double bound = Math.Sqrt(6.0 / 150);
        Assert.All(weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.True(weight.ToArray().Max(Math.Abs) > 0.99 * bound);
    }
}
