using Workbench.IO;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.NN;

/// <summary>Reads rnn.safetensors (tests/fixtures-gen/rnn.py): PyTorch 1.13's GRU, LSTM, cells and embedding with their gradients.</summary>
internal static class RecurrentOracle
{
    public const int Batch = 3, Steps = 5, Input = 4, Hidden = 6, Layers = 2;
    public static readonly int[] Lengths = [5, 2, 4];

    private static readonly Lazy<SafeTensorsFile> File = new(() => FixtureFiles.Load("rnn.safetensors"));

    /// <summary>A fresh, GC-owned copy of a fixture tensor.</summary>
    public static Tensor Get(string name) => File.Value.Tensors[name].Clone();

    /// <summary>Copies the fixture's parameters under <paramref name="prefix"/> into <paramref name="module"/> (PyTorch's names).</summary>
    public static void LoadParameters(Module module, string prefix)
    {
        var state = module.NamedParameters().ToDictionary(p => p.Name, p => Get($"{prefix}.{p.Name}"));
        module.LoadStateDict(state, $"rnn.safetensors ({prefix})");
    }

    /// <summary>Asserts every parameter's gradient equals PyTorch's.</summary>
    public static void AssertParameterGradients(Module module, string prefix, double rtol = 2e-4, double atol = 2e-5)
    {
        foreach (var (name, parameter) in module.NamedParameters())
        {
            Assert.True(parameter.Grad is not null, $"{prefix}: {name} received no gradient");
            Close.Assert(Get($"{prefix}.grad.{name}").Span, parameter.Grad!.Span, rtol, atol, $"{prefix} d{name}");
        }
    }

    /// <summary>Σ y ⊙ r: the fixture's loss terms.</summary>
    public static Tensor Weighted(Tensor y, string name) => (y * Get(name)).Sum();
}
