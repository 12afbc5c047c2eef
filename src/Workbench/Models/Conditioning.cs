using Workbench.Tensors;

namespace Workbench.Models;

/// <summary>
/// What a model is conditioned on besides the image: nothing (<see cref="None"/>) or a class label
/// given as a one-hot vector (Sohn et al. 2015). Every model takes an optional condition; callers ask
/// the model's conditioning for it instead of testing the model's type.
/// </summary>
/// <param name="Classes">Number of classes; 0 for an unconditional model.</param>
public sealed record Conditioning(int Classes)
{
    /// <summary>An unconditional model.</summary>
    public static Conditioning None { get; } = new(0);

    /// <summary>Whether the model needs a condition.</summary>
    public bool IsConditional => Classes > 0;

    /// <summary>Length of the condition vector joined to the encoder's and the decoder's inputs.</summary>
    public int Size => Classes;

    /// <summary>The condition for images with these labels: one-hot rows (B, classes), or null when unconditional.</summary>
    public Tensor? FromLabels(ReadOnlySpan<int> labels) => IsConditional ? Tensor.OneHot(labels, Classes) : null;

    /// <summary>Conditions for <paramref name="count"/> samples cycling through the classes (0, 1, …), so every class shows; null when unconditional.</summary>
    public Tensor? Cycling(int count) =>
        FromLabels(Enumerable.Range(0, count).Select(i => IsConditional ? i % Classes : 0).ToArray());

    /// <summary>Throws unless <paramref name="condition"/> is what this conditioning needs for a batch of <paramref name="batch"/>.</summary>
    public void Check(Tensor? condition, int batch)
    {
        if (!IsConditional && condition is not null)
            throw new ArgumentException("This model is not conditional; pass no condition.");
        if (IsConditional && (condition is null || condition.Rank != 2 || condition.Dim(0) != batch || condition.Dim(1) != Classes))
            throw new ArgumentException($"This conditional model needs a ({batch}, {Classes}) one-hot condition; got {(condition is null ? "none" : Tensor.ShapeText(condition.Dims))}.");
    }
}
