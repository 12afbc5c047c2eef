using Workbench.Data;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Tests.Support;

/// <summary>Small datasets and model configurations shared by the model, training and evaluation tests.</summary>
public static class TestData
{
    private static readonly Lazy<ImageDataset> BundledTrain = new(() => FashionMnist.LoadBundledSubset(DatasetSplit.Train));

    /// <summary>Images offset..offset+count−1 of the bundled Fashion-MNIST training subset (28×28, grey levels in [0, 1]).</summary>
    public static ImageDataset Fashion(int count, int offset = 0) =>
        BundledTrain.Value.Subset(Enumerable.Range(offset, count).ToArray());

    /// <summary>A small MLP VAE for 28×28 images: 784-<paramref name="hidden"/>-<paramref name="latent"/>.</summary>
    public static VaeConfig SmallMlp(int hidden = 16, int latent = 4) => new() { HiddenSizes = [hidden], LatentSize = latent };

    /// <summary>A tiny smooth (tanh) VAE on 2×3 images, small enough for finite differences over every parameter.</summary>
    public static VaeConfig Tiny(Objective objective = Objective.Elbo) => new()
    {
        ImageHeight = 2, ImageWidth = 3, HiddenSizes = [4], LatentSize = 3, Activation = "tanh", Objective = objective,
    };

    /// <summary>A (batch, pixels) tensor of grey levels uniform in [0, 1].</summary>
    public static Tensor Pixels(ulong seed, int batch, int pixels) => Tensor.Uniform(new Rng(seed), 0f, 1f, batch, pixels);

    /// <summary>A synthetic dataset of <paramref name="count"/> random images with labels cycling over <paramref name="classes"/>.</summary>
    public static ImageDataset Synthetic(ulong seed, int count, int height, int width, int classes = 10)
    {
        var pixels = Pixels(seed, count, height * width).ToArray();
        var labels = Enumerable.Range(0, count).Select(i => i % classes).ToArray();
        return new ImageDataset(pixels, labels, height, width, Enumerable.Range(0, classes).Select(c => $"class {c}").ToArray());
    }

    /// <summary>The value of the parameter named <paramref name="name"/> (a dotted state-dict key).</summary>
    public static Tensor Parameter(this VariationalAutoencoder model, string name) =>
        model.NamedParameters().Single(p => p.Name == name).Parameter;
}
