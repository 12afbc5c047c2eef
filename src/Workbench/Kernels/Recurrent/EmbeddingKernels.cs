using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>The backward of a row lookup.</summary>
internal static class EmbeddingKernels
{
    /// <summary>
    /// table[ids[p], :] += rows[p, :] for every position p (rows of length <paramref name="dim"/>), in order of p,
    /// skipping positions whose id is <paramref name="skipId"/> (−1 skips none).
    /// </summary>
    public static void ScatterAddRows(ReadOnlySpan<float> rows, ReadOnlySpan<int> ids, int dim, int skipId, Span<float> table)
    {
        for (int p = 0; p < ids.Length; p++)
        {
            int id = ids[p];
            if (id == skipId) continue;
            var destination = table.Slice(id * dim, dim);
            TensorPrimitives.Add(destination, rows.Slice(p * dim, dim), destination);
        }
    }
}
