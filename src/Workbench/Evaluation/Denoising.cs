using Workbench.Data;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>How well a model cleans up one kind of damage, mean PSNR over the images, dB.</summary>
/// <param name="Corruption">The corruption's name.</param>
/// <param name="Description">Its parameters in words.</param>
/// <param name="InputPsnr">The corrupted image against the clean one.</param>
/// <param name="OutputPsnr">The model's reconstruction E[x | z = μ(x̃)] of the corrupted image x̃ against the clean one.</param>
/// <param name="Images">Images averaged over.</param>
public sealed record DenoisingResult(string Corruption, string Description, double InputPsnr, double OutputPsnr, int Images);

/// <summary>
/// Denoising with a trained autoencoder: corrupt test images, reconstruct them through the model (encoder
/// mean, decoder mean, no sampling) and compare input and output with the clean images by PSNR.
/// </summary>
public static class Denoising
{
    /// <summary>The first <paramref name="count"/> images of <paramref name="data"/>: clean, corrupted and reconstructed. Each (count, H·W).</summary>
    public static (Tensor Clean, Tensor Corrupted, Tensor Output) Run(VariationalAutoencoder model, ImageDataset data, Corruption corruption, int count, ulong seed)
    {
        if (data.Count == 0) throw new ArgumentException("Cannot denoise an empty dataset.");
        count = Math.Min(count, data.Count);
        using var _ = GradMode.NoGrad();
        var (clean, condition) = Batching.Make(model, data, Batching.Sequential(0, count));
        var corrupted = corruption.Apply(clean, data.Height, data.Width, seed, data.Channels);
        return (clean, corrupted, model.Reconstruct(corrupted, condition));
    }

    /// <summary>Mean PSNR of the corrupted inputs and of the model's outputs on the first <paramref name="count"/> images, per corruption.</summary>
    public static IReadOnlyList<DenoisingResult> Evaluate(VariationalAutoencoder model, ImageDataset data, IReadOnlyList<Corruption> corruptions,
        int count = 1000, ulong seed = 0)
    {
        bool wasTraining = model.Training;
        model.Eval();
        var results = new List<DenoisingResult>();
        foreach (var corruption in corruptions)
        {
            var (clean, corrupted, output) = Run(model, data, corruption, count, seed);
            results.Add(new DenoisingResult(corruption.Name, corruption.Describe(), Psnr.Mean(clean.Span, corrupted.Span, data.ValuesPerImage),
                Psnr.Mean(clean.Span, output.Span, data.ValuesPerImage), clean.Dim(0)));
        }
        model.Train(wasTraining);
        return results;
    }
}
