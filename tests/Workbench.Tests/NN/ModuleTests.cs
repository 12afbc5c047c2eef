using System.Text.Json;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Tests.NN;

public class ModuleTests
{
    /// <summary>The model of tests/fixtures-gen/nn_module_tree.py, built with this library's layers.</summary>
    private sealed class Autoencoder : Module
    {
        public Autoencoder(Rng rng)
        {
            RegisterModule("encoder", new Sequential(
                new Conv2d(1, 32, 4, rng, stride: 2, padding: 1), new ReLU(),
                new Conv2d(32, 64, 4, rng, stride: 2, padding: 1), new LeakyReLU(0.2f),
                new Flatten(), new Linear(64 * 7 * 7, 16, rng)));
            RegisterModule("decoder", new Sequential(
                new Linear(8, 64 * 7 * 7, rng), new Unflatten(64, 7, 7),
                new ConvTranspose2d(64, 32, 4, rng, stride: 2, padding: 1, outputPadding: 1), new Tanh(),
                new ConvTranspose2d(32, 1, 3, rng, stride: 1, padding: 1, bias: false), new Sigmoid()));
        }
    }

    private static JsonElement PyTorchTree()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "nn_module_tree.json"));
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public void NamedParameters_NestedModules_MatchPyTorchStateDictKeysAndShapes()
    {
        var expected = PyTorchTree();
        var parameters = new Autoencoder(new Rng(1)).NamedParameters().ToList();

        Assert.Equal(expected.GetProperty("keys").EnumerateArray().Select(k => k.GetString()), parameters.Select(p => p.Name));
        var shapes = expected.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt32()).ToArray()).ToList();
        for (int i = 0; i < shapes.Count; i++) Assert.Equal(shapes[i], parameters[i].Parameter.Shape);
    }

    [Fact]
    public void NamedModules_NestedModules_MatchPyTorchNamedModules()
    {
        var expected = PyTorchTree().GetProperty("modules").EnumerateArray().Select(k => k.GetString());
        Assert.Equal(expected, new Autoencoder(new Rng(1)).NamedModules().Select(m => m.Name));
    }

    [Fact]
    public void ToString_NestedModules_MatchesPyTorchRepr()
    {
        Assert.Equal(PyTorchTree().GetProperty("repr").GetString(), new Autoencoder(new Rng(1)).ToString());
    }

    [Fact]
    public void NamedParameters_SequentialWithActivation_SkipsParameterFreeIndex()
    {
        var rng = new Rng(3);
        var model = new Sequential(new Linear(4, 3, rng), new ReLU(), new Linear(3, 2, rng));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(4 * 3 + 3 + 3 * 2 + 2, model.ParameterCount);
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
    }

    [Fact]
    public void Parameters_TensorSharedByTwoModules_ListedOnceButNamedTwice()
    {
        var shared = new Linear(2, 2, new Rng(4));
        var model = new Sequential(shared, new ReLU(), shared);
        Assert.Equal(4, model.NamedParameters().Count());
        Assert.Equal(2, model.Parameters().Count());
    }

    [Fact]
    public void TrainAndEval_NestedModules_PropagateToEveryDescendant()
    {
        var model = new Autoencoder(new Rng(1));
        Assert.All(model.NamedModules(), m => Assert.True(m.Module.Training));
        model.Eval();
        Assert.All(model.NamedModules(), m => Assert.False(m.Module.Training, m.Name));
        model.Train();
        Assert.All(model.NamedModules(), m => Assert.True(m.Module.Training, m.Name));
        ((Sequential)model.Children[1]).Train(false);
        Assert.True(model.Training);
        Assert.True(model.Children[0].Training);
        Assert.All(model.Children[1].NamedModules(), m => Assert.False(m.Module.Training, m.Name));
    }

    [Fact]
    public void ZeroGrad_AfterBackward_ZeroesEveryParameterGradient()
    {
        var rng = new Rng(5);
        var model = new Sequential(new Linear(3, 4, rng), new Tanh(), new Linear(4, 1, rng));
        model.Forward(Tensor.Randn(rng, 6, 3)).Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.Contains(p.Grad!.ToArray(), g => g != 0f));

        model.ZeroGrad();

        Assert.All(model.Parameters(), p => Assert.All(p.Grad!.ToArray(), g => Assert.Equal(0f, g)));
    }

    [Fact]
    public void Constructor_InsideTensorScope_ParametersOutliveTheScope()
    {
        Linear layer;
        using (TensorScope.Begin(new BufferPool()))
        {
            layer = new Linear(5, 2, new Rng(6));
            var registered = new Sequential().RegisterParameter("scoped", Tensor.Ones(3));
            Assert.Null(registered.Owner);
        }
        Assert.Null(layer.Weight.Owner);
        Assert.Equal(10, layer.Weight.ToArray().Length); // would throw if the storage had gone back to the pool
        Assert.Equal(2, layer.Bias!.ToArray().Length);
    }

    [Fact]
    public void RegisterParameter_DuplicateOrDottedName_Throws()
    {
        var model = new Sequential(new ReLU());
        Assert.Contains("already has", Assert.Throws<ArgumentException>(() => model.RegisterParameter("0", Tensor.Zeros(1))).Message);
        Assert.Contains("'.'", Assert.Throws<ArgumentException>(() => model.RegisterModule("a.b", new ReLU())).Message);
    }

    [Fact]
    public void Sequential_AddIndexerAndEnumeration_KeepOrder()
    {
        var relu = new ReLU();
        var tanh = new Tanh();
        var model = new Sequential(relu).Add(tanh);
        Assert.Equal(2, model.Count);
        Assert.Same(tanh, model[1]);
        Assert.Same(tanh, model[-1]);
        Assert.Equal(new Module[] { relu, tanh }, model.ToList());
        Assert.Equal(["0", "1"], model.NamedChildren.Select(c => c.Name));
        Assert.Throws<ArgumentOutOfRangeException>(() => model[2]);
    }

    [Fact]
    public void ToString_LayersWithDefaults_OmitDefaultArguments()
    {
        var rng = new Rng(7);
        Assert.Equal("Linear(in_features=3, out_features=2, bias=False)", new Linear(3, 2, rng, bias: false).ToString());
        Assert.Equal("Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))", new Conv2d(3, 8, 3, rng).ToString());
        Assert.Equal("LeakyReLU(negative_slope=0.01)", new LeakyReLU().ToString());
        Assert.Equal("Sequential()", new Sequential().ToString());
    }
}
