using Workbench.Tensors;

namespace Workbench.Models.SemiSupervised;

/// <summary>
/// A model that predicts class labels from images: evaluators measure its classification error
/// (<c>Evaluation.ClassificationError</c>) and the trainer records it after every epoch.
/// </summary>
public interface ILabelPredictor
{
    /// <summary>Number of classes K.</summary>
    int Classes { get; }

    /// <summary>Unnormalised log-probabilities of each class for images (B, D): (B, K); softmax gives q(y|x).</summary>
    Tensor ClassLogits(Tensor images);
}

/// <summary>Predicted labels from class logits.</summary>
public static class LabelPredictions
{
    /// <summary>The most probable class of each row of <paramref name="logits"/> (B, K), the lower class on ties: (B) labels.</summary>
    public static int[] MostProbable(Tensor logits)
    {
        if (logits.Rank != 2) throw new ArgumentException($"Logits must have shape (B, K); got {Tensor.ShapeText(logits.Dims)}.");
        int classes = logits.Dim(1);
        var values = logits.Span;
        var labels = new int[logits.Dim(0)];
        for (int b = 0; b < labels.Length; b++)
        {
            var row = values.Slice(b * classes, classes);
            int best = 0;
            for (int k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
            labels[b] = best;
        }
        return labels;
    }
}
