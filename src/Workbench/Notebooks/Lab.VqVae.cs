using System.Globalization;
using Workbench.Data;
using Workbench.Display;
using Workbench.Experiments.Figures;
using Workbench.Models.VectorQuantized;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;
using Workbench.Training;

namespace Workbench.Notebooks;

/// <summary>
/// A VQ-VAE trained by <see cref="Lab.TrainVqVae"/>: the run, its PixelCNN prior's fit, the test codes' usage, and
/// pictures (test images over their reconstructions; samples from the learned prior; samples from a uniform prior over
/// codes, for contrast). Displays as the pictures side by side under a one-line summary.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<VqVaeLabRun>), PreferredMimeTypes = ["text/html"])]
public sealed record VqVaeLabRun(LabRun Run, CodePriorFit? PriorFit, int TestCodesUsed, double TestPerplexity,
    ImageGrid Reconstructions, ImageGrid PriorSamples, ImageGrid UniformPriorSamples) : IHtmlDisplayable
{
    /// <summary>The trained model.</summary>
    public VqVae Model => (VqVae)Run.Model;

    public string ToHtml()
    {
        var fit = PriorFit is { History.Count: > 0 } f
            ? string.Create(CultureInfo.InvariantCulture, $"; PixelCNN code NLL {f.History[^1].TestNll ?? f.History[^1].TrainNll:F1} nats/image (uniform: {f.UniformNll:F1})")
            : "";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"<p>{System.Net.WebUtility.HtmlEncode(Run.Name)}: {TestCodesUsed} of {Model.Codebook.Codes} codes used on the test images, perplexity {TestPerplexity:F1}") + fit + "</p>";
        return line + new HtmlRow()
            .Add("test images over reconstructions", Reconstructions)
            .Add("samples, PixelCNN prior", PriorSamples)
            .Add("samples, uniform prior over codes", UniformPriorSamples).ToHtml();
    }
}

public static partial class Lab
{
    /// <summary>
    /// Trains a VQ-VAE (<paramref name="config"/>; by default K = 128 codes of size 16 on a 7×7 grid, EMA codebook with
    /// dead-code restarts, β = 0.25, a PixelCNN prior of 32 channels and 4 layers fitted for 5 epochs) on <paramref name="train"/>
    /// with <paramref name="options"/> (by default 5 epochs of 64 images, seed 1), in memory, then fits its PixelCNN prior
    /// to the training codes and shows reconstructions of <paramref name="test"/> beside samples from the learned prior
    /// and from a uniform prior over codes. Restarts are on here (off in <see cref="VqVaeConfig"/>): on 5,000 images few
    /// codes stay in use without them.
    /// </summary>
    public static VqVaeLabRun TrainVqVae(ImageDataset train, ImageDataset test, VqVaeConfig? config = null, TrainingOptions? options = null,
        string name = "VQ-VAE", int samples = 32)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        config ??= new VqVaeConfig { RestartDeadCodes = true, PriorEpochs = 5 };
        options ??= new TrainingOptions { Epochs = 5, BatchSize = 64 };
        var run = Train(config, options, train, null, name);
        var model = (VqVae)run.Model;
        var fit = config.PriorEpochs > 0
            ? CodePriorTraining.Fit(model, train, test, config.PriorEpochs, config.PriorBatchSize, config.PriorLearningRate, options.Seed)
            : null;
        model.Eval();
        var usage = new CodeUsage(model.Codebook.Codes);
        usage.Add(CodePriorTraining.CodesOf(model, test));
        var uniform = model.DecodeCodes(model.CodePrior.SampleUniformCodes(samples, new Rng(options.Seed)));
        return new VqVaeLabRun(run, fit, usage.CodesUsed, usage.Perplexity,
            PictureGrids.Reconstructions(model, test, 16, 8),
            PictureGrids.Samples(model, samples, options.Seed, 8),
            PictureGrids.Grid(model, uniform, 8));
    }
}
