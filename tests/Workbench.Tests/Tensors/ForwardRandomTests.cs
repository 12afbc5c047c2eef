using Workbench.Tensors;

namespace Workbench.Tests.Tensors;

/// <summary>The ambient stream of forward passes: scoped, nested, per thread.</summary>
public class ForwardRandomTests
{
    [Fact]
    public void Use_Nested_EachScopeRestoresTheStreamBeforeIt()
    {
        var outer = new Rng(1);
        var inner = new Rng(2);
        Assert.Null(ForwardRandom.Current);
        using (ForwardRandom.Use(outer))
        {
            Assert.Same(outer, ForwardRandom.Current);
            using (ForwardRandom.Use(inner)) Assert.Same(inner, ForwardRandom.Current);
            Assert.Same(outer, ForwardRandom.Current);
        }
        Assert.Null(ForwardRandom.Current);
    }

    [Fact]
    public void Current_OnAnotherThread_IsNotTheCallersStream()
    {
        using var _ = ForwardRandom.Use(new Rng(1));
        Rng? seen = new Rng(2);
        var thread = new Thread(() => seen = ForwardRandom.Current);
        thread.Start();
        thread.Join();
        Assert.Null(seen);
    }

    [Fact]
    public void Require_NoStream_ThrowsNamingTheDrawer()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ForwardRandom.Require("MyNoise(σ=0.1)"));
        Assert.StartsWith("MyNoise(σ=0.1) in training mode draws random numbers from ForwardRandom.Current", error.Message);
    }

    [Fact]
    public void Use_Null_Throws() => Assert.Throws<ArgumentNullException>(() => ForwardRandom.Use(null!));
}
