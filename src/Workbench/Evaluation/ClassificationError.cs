using Workbench.Data;
using Workbench.Models.SemiSupervised;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>How often a model's most probable class differs from the true label.</summary>
public static class ClassificationError
{
    /// <summary>
    /// The fraction of <paramref name="data"/>'s images whose argmax of <see cref="ILabelPredictor.ClassLogits"/>
    /// is not their label, in [0, 1] (ties go to the lower class); in batches of <paramref name="batchSize"/>, without gradients.
    /// </summary>
    public static double Evaluate(ILabelPredictor model, ImageDataset data, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (data.Count == 0) throw new ArgumentException("The dataset is empty.");
        if (data.ClassNames.Count != model.Classes)
            throw new ArgumentException($"The model predicts {model.Classes} classes but the data have {data.ClassNames.Count}.");
        using var _ = GradMode.NoGrad();
        int wrong = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            var (images, labels) = data.Batch(Enumerable.Range(start, count).ToArray());
            var predicted = LabelPredictions.MostProbable(model.ClassLogits(images));
            for (int b = 0; b < count; b++) if (predicted[b] != labels[b]) wrong++;
        }
        return (double)wrong / data.Count;
    }
}
