using System.Collections;
using System.Globalization;
using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// Modules applied one after another, as PyTorch's <c>nn.Sequential</c>: children are named "0", "1", …
/// so parameter names read "0.weight", "2.bias", exactly like PyTorch's state_dict keys.
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>, IEnumerable<Module<Tensor, Tensor>>
{
    private readonly List<Module<Tensor, Tensor>> _layers = [];

    public Sequential(params Module<Tensor, Tensor>[] layers)
    {
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>Appends <paramref name="layer"/> under the next index; returns this container.</summary>
    public Sequential Add(Module<Tensor, Tensor> layer)
    {
        RegisterModule(_layers.Count.ToString(CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>The layer at <paramref name="index"/> (negative counts from the end, as in Python).</summary>
    public Module<Tensor, Tensor> this[int index]
    {
        get
        {
            int i = index < 0 ? index + _layers.Count : index;
            if ((uint)i >= (uint)_layers.Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"Sequential has {_layers.Count} layers; index {index} is out of range.");
            return _layers[i];
        }
    }

    /// <summary>Applies every layer in order.</summary>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers) x = layer.Forward(x);
        return x;
    }

    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator() => _layers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
