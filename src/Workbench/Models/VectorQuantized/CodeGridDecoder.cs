using Workbench.Models.Parts;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.VectorQuantized;

/// <summary>
/// The VQ-VAE's decoder: position-major latents (B, h·w·D) → the grid (B, D, h, w) → a convolutional network →
/// the likelihood's parameters (B, H·W). State-dict names: "body.…".
/// </summary>
public sealed class CodeGridDecoder : Module<DecoderInput, Tensor>
{
    /// <param name="body">(B, D, h, w) → (B, H·W).</param>
    public CodeGridDecoder(Module<Tensor, Tensor> body, int gridHeight, int gridWidth, int codeSize)
    {
        Body = RegisterModule("body", body);
        GridHeight = gridHeight;
        GridWidth = gridWidth;
        CodeSize = codeSize;
    }

    public Module<Tensor, Tensor> Body { get; }
    public int GridHeight { get; }
    public int GridWidth { get; }
    public int CodeSize { get; }

    public override Tensor Forward(DecoderInput input)
    {
        if (input.Condition is not null) throw new ArgumentException("The VQ-VAE is unconditional; it takes no condition.");
        var grid = input.Z.Reshape(input.Z.Dim(0), GridHeight, GridWidth, CodeSize).Permute(0, 3, 1, 2); // (B, D, h, w)
        return Body.Forward(grid);                                                                     // (B, H·W)
    }
}
