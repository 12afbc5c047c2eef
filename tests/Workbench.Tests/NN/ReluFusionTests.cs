using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.NN;

/// <summary>A user's layer that implements the public <see cref="IReluFusable"/> is fused by <see cref="Sequential"/> like the shipped ones.</summary>
public class ReluFusionTests
{
    /// <summary>A user-defined layer: y = (x·Wᵀ + b)·s with a fixed scale s, fused with a ReLU through <see cref="Tensor.LinearRelu"/> (ReLU commutes with s &gt; 0).</summary>
    private sealed class ScaledLinear : Module<Tensor, Tensor>, IReluFusable
    {
        private const float Scale = 2f; // a power of two: scaling before or after the ReLU gives the same bits

        public ScaledLinear(int inFeatures, int outFeatures, Rng rng)
        {
            Weight = RegisterParameter("weight", Tensor.Uniform(rng, -0.5f, 0.5f, outFeatures, inFeatures));
            Bias = RegisterParameter("bias", Tensor.Uniform(rng, -0.5f, 0.5f, outFeatures));
        }

        public Tensor Weight { get; }
        public Tensor Bias { get; }
        public int FusedCalls { get; private set; }

        public override Tensor Forward(Tensor input) => Tensor.Linear(input, Weight, Bias) * Scale;

        public Tensor ForwardRelu(Tensor input)
        {
            FusedCalls++;
            return Tensor.LinearRelu(input, Weight, Bias) * Scale;
        }
    }

    private static (float[] Output, float[] InputGrad, float[] WeightGrad, float[] BiasGrad) Run(Func<ScaledLinear, Tensor, Tensor> forward, ulong seed)
    {
        var layer = new ScaledLinear(7, 5, new Rng(seed));
        var x = GradCheck.Random(seed + 1, 4, 7);
        x.RequiresGrad = true;
        var y = forward(layer, x);
        y.Backward(GradCheck.Random(seed + 2, 4, 5));
        return (y.ToArray(), x.Grad!.ToArray(), layer.Weight.Grad!.ToArray(), layer.Bias.Grad!.ToArray());
    }

    [Fact]
    public void SequentialForward_UserLayerBeforeReLU_IsFusedWithTheSameValuesAndGradients()
    {
        ScaledLinear? used = null;
        var fused = Run((layer, x) => { used = layer; return new Sequential(layer, new ReLU()).Forward(x); }, seed: 3);
        Assert.Equal(1, used!.FusedCalls);

        var separate = Run((layer, x) => new ReLU().Forward(layer.Forward(x)), seed: 3);

        Assert.Equal(separate.Output, fused.Output);
        Assert.Equal(separate.InputGrad, fused.InputGrad);
        Assert.Equal(separate.WeightGrad, fused.WeightGrad);
        Assert.Equal(separate.BiasGrad, fused.BiasGrad);
        Assert.Contains(fused.Output, v => v == 0f);
        Assert.Contains(fused.Output, v => v > 0f);
    }

    [Fact]
    public void SequentialForward_UserLayerNotFollowedByReLU_IsNotFused()
    {
        var layer = new ScaledLinear(3, 3, new Rng(1));
        var network = new Sequential(layer, new Dropout(0.5), new ReLU());
        network.Eval();
        network.Forward(Tensor.Ones(2, 3));
        new Sequential(layer, new Tanh()).Forward(Tensor.Ones(2, 3));
        Assert.Equal(0, layer.FusedCalls);
    }

    [Fact]
    public void SequentialForward_LinearReLUDropout_FusesTheLinearAndDropsAfterTheActivation()
    {
        var rng = new Rng(6);
        var network = new Sequential(new Linear(5, 9, rng), new ReLU(), new Dropout(0.5));
        var x = GradCheck.Random(2, 3, 5);
        Tensor y;
        using (ForwardRandom.Use(new Rng(7))) y = network.Forward(x);
        var mask = Tensor.DropoutMask(new Rng(7), 0.5, 3, 9);
        var expected = new ReLU().Forward(network[0].Forward(x)) * mask;
        Assert.Equal(expected.ToArray(), y.ToArray());
    }
}
