using System.Globalization;
using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// PyTorch's <c>nn.Dropout(p)</c>: in training mode zeroes each element with probability p and scales the
/// kept ones by 1/(1 − p) (<see cref="Tensor.Dropout"/>); in evaluation mode the identity. Any shape.
/// The mask is drawn from <see cref="ForwardRandom.Current"/>, which the trainer sets for every step to
/// a stream derived from the run's seed and saved in its checkpoints; a forward pass in training mode
/// outside a trainer needs <c>using (ForwardRandom.Use(new Rng(seed)))</c> or <c>model.Eval()</c>.
/// </summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    /// <param name="p">Probability of zeroing an element, in [0, 1].</param>
    public Dropout(double p = 0.5)
    {
        Tensor.RequireDropoutProbability(p);
        P = p;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>(*) → (*): x ⊙ mask / (1 − p) in training, x in evaluation.</summary>
    public override Tensor Forward(Tensor input) => input.Dropout(P, Training);

    /// <summary>As PyTorch prints it: "p=0.5, inplace=False" (a whole number as Python writes floats, "p=1.0").</summary>
    protected override string ExtraRepr()
    {
        string p = P.ToString("R", CultureInfo.InvariantCulture);
        return $"p={(double.IsInteger(P) ? p + ".0" : p)}, inplace=False";
    }
}
