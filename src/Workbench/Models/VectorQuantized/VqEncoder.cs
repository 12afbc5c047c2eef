using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.VectorQuantized;

/// <summary>
/// The VQ-VAE's encoder: a convolutional body (B, H·W) → z_e (B, D, h, w), then every grid position's vector
/// snapped to its nearest code (<see cref="Codebook.Nearest"/>), with the straight-through gradient (the
/// decoder's gradient at z_q is copied to z_e). State-dict names: "body.…", "codebook.…".
/// </summary>
public sealed class VqEncoder : Module<EncoderInput, Posterior>
{
    /// <param name="body">Images (B, H·W) → (B, D, h, w).</param>
    public VqEncoder(Module<Tensor, Tensor> body, Codebook codebook, int gridHeight, int gridWidth)
    {
        Body = RegisterModule("body", body);
        Codebook = RegisterModule("codebook", codebook);
        GridHeight = gridHeight;
        GridWidth = gridWidth;
    }

    public Module<Tensor, Tensor> Body { get; }
    public Codebook Codebook { get; }
    public int GridHeight { get; }
    public int GridWidth { get; }

    /// <summary>P = h·w, code positions per image.</summary>
    public int Positions => GridHeight * GridWidth;

    /// <summary>Images (B, H·W) → the point mass on their codes; latents position-major (B, P·D).</summary>
    public override Posterior Forward(EncoderInput input)
    {
        if (input.Condition is not null) throw new ArgumentException("The VQ-VAE is unconditional; it takes no condition.");
        int batch = input.Images.Dim(0), size = Codebook.CodeSize;
        var grid = Body.Forward(input.Images);                                                   // (B, D, h, w)
        if (grid.Rank != 4 || grid.Dim(1) != size || grid.Dim(2) != GridHeight || grid.Dim(3) != GridWidth)
            throw new InvalidOperationException($"The encoder body must give (B, {size}, {GridHeight}, {GridWidth}); it gave {Tensor.ShapeText(grid.Dims)}.");
        var vectors = grid.Permute(0, 2, 3, 1).Reshape(batch * Positions, size);                // (B·P, D), raster order
        var codes = Codebook.Nearest(vectors);                                                   // (B·P)
        var quantized = StraightThrough.Apply(vectors, _ => Codebook.Lookup(codes).Detach());    // (B·P, D): e_c forward, identity backward
        return new QuantizedPosterior(vectors.Reshape(batch, Positions * size), quantized.Reshape(batch, Positions * size), codes, Positions);
    }
}
