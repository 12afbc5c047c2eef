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

    /// <summary>
    /// Applies every layer in order. A layer that implements <see cref="IReluFusable"/> (<see cref="Linear"/>,
    /// <see cref="Conv2d"/>, <see cref="ConvTranspose2d"/>, or a layer of your own) followed by a <see cref="ReLU"/>
    /// runs as one call of its <see cref="IReluFusable.ForwardRelu"/>, which applies the activation while
    /// its output is in cache; the shipped layers give bit-for-bit the values and gradients of the two steps. A batch-norm
    /// layer followed by a <see cref="LeakyReLU"/> with a slope in [0, 1] runs as one op too.
    /// </summary>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            if (_layers[i] is IReluFusable fusable && i + 1 < _layers.Count && _layers[i + 1] is ReLU)
            {
                x = fusable.ForwardRelu(x);
                i++;
            }
            else if (_layers[i] is ILeakyReluFusable leaky && i + 1 < _layers.Count && _layers[i + 1] is LeakyReLU { Slope: >= 0f and <= 1f } activation)
            {
                x = leaky.ForwardLeakyRelu(x, activation.Slope);
                i++;
            }
            else x = _layers[i].Forward(x);
        }
        return x;
    }

    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator() => _layers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A layer whose output can go through a ReLU inside its own op: <see cref="Sequential.Forward"/> calls
/// <see cref="ForwardRelu"/> instead of <c>Forward</c> then <see cref="ReLU"/> wherever this layer is
/// directly followed by a <see cref="ReLU"/>. Implement it on a layer of your own to have it fused too
/// (e.g. with <see cref="Tensor.LinearRelu"/> or <see cref="Tensor.Conv2dRelu"/>, or with a fused op of your own).
/// </summary>
public interface IReluFusable
{
    /// <summary>Exactly <c>Forward(input).Relu()</c> in values and gradients, computed in one op.</summary>
    Tensor ForwardRelu(Tensor input);
}
