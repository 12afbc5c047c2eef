using Workbench.Tensors;

namespace Workbench.Models.Hierarchical;

/// <summary>The column blocks of a hierarchical latent [z_1, …, z_L]: layer l owns latent_l consecutive columns.</summary>
public static class HierarchyColumns
{
    /// <summary>z (N, Σ latent_l) cut into [z_1 (N, latent_1), …, z_L (N, latent_L)]; differentiable.</summary>
    public static Tensor[] Split(Tensor z, IReadOnlyList<int> sizes)
    {
        if (z.Rank != 2 || z.Dim(1) != sizes.Sum())
            throw new ArgumentException($"A hierarchical latent of layers [{string.Join(", ", sizes)}] has shape (N, {sizes.Sum()}); got {Tensor.ShapeText(z.Dims)}.");
        var layers = new Tensor[sizes.Count];
        int start = 0;
        for (int l = 0; l < sizes.Count; l++)
        {
            layers[l] = z.Narrow(1, start, sizes[l]);
            start += sizes[l];
        }
        return layers;
    }

    /// <summary>The first column of each layer's block: layer l spans [Starts[l], Starts[l] + sizes[l]).</summary>
    public static int[] Starts(IReadOnlyList<int> sizes)
    {
        var starts = new int[sizes.Count];
        for (int l = 1; l < sizes.Count; l++) starts[l] = starts[l - 1] + sizes[l - 1];
        return starts;
    }
}
