using Workbench.Data;

namespace Workbench.Tests.Data;

public class SpritesTests
{
    private static readonly SpritesOptions Small = new(ImageSize: 20, Scales: 3, Rotations: 4, PositionsX: 3, PositionsY: 2, Supersampling: 3);

    private static float Lit(SpriteFactors f, SpritesOptions o)
    {
        var image = new float[o.ImageSize * o.ImageSize];
        Sprites.Render(f, o, image);
        return image.Sum();
    }

    [Fact]
    public void GenerateAll_HasEveryFactorCombinationOnce()
    {
        var set = Sprites.GenerateAll(Small);
        Assert.Equal([3, 3, 4, 3, 2], set.FactorSizes);
        Assert.Equal(3 * 3 * 4 * 3 * 2, set.Count);
        Assert.Equal(["shape", "scale", "rotation", "x", "y"], set.FactorNames);
        var distinct = Enumerable.Range(0, set.Count).Select(set.FactorsOf).Distinct().Count();
        Assert.Equal(set.Count, distinct);
        Assert.Equal(new SpriteFactors(0, 0, 0, 0, 1), set.FactorsOf(1)); // y varies fastest
        Assert.Equal(Enumerable.Range(0, set.Count).Select(i => set.FactorsOf(i).Shape), set.Images.Labels.ToArray());
        Assert.Equal(["square", "ellipse", "heart"], set.Images.ClassNames);
    }

    [Fact]
    public void DefaultOptions_GiveThe28PixelGrid()
    {
        var o = new SpritesOptions();
        Assert.Equal(3 * 6 * 10 * 8 * 8, Sprites.FactorSizes(o).Aggregate(1, (a, b) => a * b));
        Assert.Equal(784, Sprites.Sample(2, seed: 1).Images.ValuesPerImage);
    }

    [Fact]
    public void Generation_IsDeterministic()
    {
        var a = Sprites.Sample(40, seed: 3, Small);
        var b = Sprites.Sample(40, seed: 3, Small);
        Assert.True(a.Images.Pixels.SequenceEqual(b.Images.Pixels));
        Assert.Equal(a.Factors, b.Factors);
        Assert.False(Sprites.Sample(40, seed: 4, Small).Images.Pixels.SequenceEqual(a.Images.Pixels));
    }

    [Fact]
    public void Pixels_AreInUnitIntervalOnTheSupersamplingGrid()
    {
        var set = Sprites.GenerateAll(Small);
        foreach (float p in set.Images.Pixels)
        {
            Assert.InRange(p, 0f, 1f);
            Assert.Equal(0, Math.Abs(p * 9 - MathF.Round(p * 9)), 4); // multiples of 1/3²
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void LargerScale_LightsMorePixels_RoughlyByAreaRatio(int shape)
    {
        var o = new SpritesOptions(ImageSize: 64, Supersampling: 4);
        float small = Lit(new SpriteFactors(shape, 0, 1, 3, 3), o);
        float large = Lit(new SpriteFactors(shape, o.Scales - 1, 1, 3, 3), o);
        Assert.True(large > small);
        Assert.InRange(large / small, 4 * 0.9, 4 * 1.1); // scale 0.5 → 1 quadruples the area
    }

    [Fact]
    public void Square_LitAreaMatchesClosedForm()
    {
        // Side √2·R with R = MaxRadius·scale·size: area 2R².
        var o = new SpritesOptions(ImageSize: 64, Supersampling: 8);
        double r = o.MaxRadius * 64;
        Assert.Equal(2 * r * r, Lit(new SpriteFactors(0, o.Scales - 1, 3, 4, 4), o), 2 * r * r * 0.02);
    }

    [Fact]
    public void Ellipse_RotatedHalfTurn_LooksTheSame()
    {
        var o = new SpritesOptions(ImageSize: 32, Rotations: 10, Supersampling: 4);
        var a = new float[32 * 32];
        var b = new float[32 * 32];
        Sprites.Render(new SpriteFactors(1, 5, 0, 4, 4), o, a);
        Sprites.Render(new SpriteFactors(1, 5, 5, 4, 4), o, b); // 5 of 10 steps = π
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 1e-5f);
    }

    [Fact]
    public void Sprites_AtExtremePositions_AreNotClipped()
    {
        // Largest sprites in the corners light as much area as in the middle (up to sampling error).
        var o = new SpritesOptions(ImageSize: 28, PositionsX: 9, PositionsY: 9, Supersampling: 8);
        foreach (int shape in new[] { 0, 1, 2 })
        {
            float middle = Lit(new SpriteFactors(shape, 5, 1, 4, 4), o);
            foreach (int x in new[] { 0, 8 })
                foreach (int y in new[] { 0, 8 })
                    Assert.InRange(Lit(new SpriteFactors(shape, 5, 1, x, y), o), middle * 0.97, middle * 1.03);
        }
    }
}
