using Workbench.Data;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>Turns dataset rows into a model's inputs: images (B, D) and, for a conditional model, one-hot labels (B, classes).</summary>
public static class Batching
{
    public static (Tensor Images, Tensor? Condition) Make(VariationalAutoencoder model, ImageDataset data, ReadOnlySpan<int> rows)
    {
        var (images, labels) = data.Batch(rows);
        return (images, model.Conditioning.FromLabels(labels));
    }

    /// <summary>Rows start..start+count−1 (evaluation order).</summary>
    public static int[] Sequential(int start, int count) => Enumerable.Range(start, count).ToArray();
}
