using Microsoft.ML.OnnxRuntime;
using Workbench.Interchange.Onnx;
using Workbench.Models;
using Workbench.Models.Adversarial;
using Workbench.Models.Hierarchical;
using Workbench.Models.Likelihoods;
using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.Models.Priors;
using Workbench.Models.SemiSupervised;
using Workbench.Models.VectorQuantized;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Interchange;

/// <summary>
/// The exported encoder and decoder, run in ONNX Runtime, against the workbench's own forward on the same inputs: every
/// shipped image architecture (mlp, conv, conv-bn), every activation, conditioning, likelihood and exportable variant,
/// with every parameter and batch-norm statistic moved away from its initial value so a swapped or misread tensor shows.
/// </summary>
public class OnnxExportTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const double Tolerance = 1e-5;

    /// <summary>The models exported, by name.</summary>
    private static readonly Dictionary<string, Func<VaeConfig>> Exportable = new()
    {
        ["mlp"] = () => new VaeConfig { HiddenSizes = [32, 16], LatentSize = 4 },
        ["mlp-gelu-dropout"] = () => new BetaVaeConfig { HiddenSizes = [24], LatentSize = 3, Activation = "gelu", Dropout = 0.3 },
        ["mlp-silu"] = () => new VaeConfig { HiddenSizes = [24], LatentSize = 3, Activation = "silu" },
        ["mlp-elu"] = () => new VaeConfig { HiddenSizes = [24], LatentSize = 3, Activation = "elu" },
        ["mlp-leaky-relu"] = () => new VaeConfig { HiddenSizes = [24], LatentSize = 3, Activation = "leaky-relu" },
        ["mlp-tanh"] = () => new VaeConfig { HiddenSizes = [24], LatentSize = 3, Activation = "tanh" },
        ["mlp-sigmoid"] = () => new VaeConfig { HiddenSizes = [24], LatentSize = 3, Activation = "sigmoid" },
        ["conv"] = () => new VaeConfig { Architecture = Architecture.Conv, ConvChannels = [4, 8], LatentSize = 3 },
        ["conv-bn"] = () => new VaeConfig { Architecture = Architecture.ConvBn, ConvChannels = [4, 8, 8], LatentSize = 3 },
        ["cvae-mlp"] = () => new ConditionalVaeConfig { Classes = 3, HiddenSizes = [24], LatentSize = 2 },
        ["cvae-conv"] = () => new ConditionalVaeConfig { Classes = 3, Architecture = Architecture.Conv, ConvChannels = [4, 8], LatentSize = 2 },
        ["cvae-conv-bn"] = () => new ConditionalVaeConfig { Classes = 4, Architecture = Architecture.ConvBn, ConvChannels = [4, 8], LatentSize = 2 },
        ["gaussian-fixed"] = () => new VaeConfig { HiddenSizes = [24], LatentSize = 3, Likelihood = LikelihoodKind.GaussianFixedVariance },
        ["gaussian-learned"] = () => new VaeConfig { HiddenSizes = [24], LatentSize = 3, Likelihood = LikelihoodKind.GaussianLearnedVariance },
        ["continuous-bernoulli"] = () => new VaeConfig { HiddenSizes = [24], LatentSize = 3, Likelihood = LikelihoodKind.ContinuousBernoulli },
        ["discretized-logistic"] = () => new VaeConfig { HiddenSizes = [24], LatentSize = 3, Likelihood = LikelihoodKind.DiscretizedLogistic },
        ["vamp-prior"] = () => new VaeConfig { HiddenSizes = [24], LatentSize = 3, Prior = new VampPriorConfig(5) },
        ["beta-tcvae"] = () => new BetaTcVaeConfig { HiddenSizes = [24], LatentSize = 3 },
        ["m2"] = () => new SemiSupervisedVaeConfig { Classes = 3, Labels = 30, HiddenSizes = [24], LatentSize = 2 },
        ["vae-gan"] = () => new VaeGanConfig { Architecture = Architecture.Conv, ConvChannels = [4, 8], LatentSize = 3, DiscriminatorChannels = [4, 8] },
    };

    public static TheoryData<string> ExportableNames => new(Exportable.Keys);

    [Theory]
    [MemberData(nameof(ExportableNames))]
    public void Build_ExportableModel_OnnxRuntimeMatchesTheWorkbenchWithin1e5(string name)
    {
        var model = TrainedIsh(Exportable[name](), seed: 7);
        var onnx = OnnxExport.Build(model);
        double largest = 0;

        foreach (int batch in new[] { 1, 5 }) // one graph, any batch size
        {
            var rng = new Rng((ulong)(100 + batch));
            var images = Tensor.Uniform(rng, 0f, 1f, batch, model.Pixels);
            var condition = model.Conditioning.Cycling(batch);
            var z = Tensor.Randn(rng, batch, model.LatentSize);

            var posterior = (DiagonalGaussian)model.Encode(images, condition);
            var encoded = OnnxRunner.Run(onnx.Encoder, Inputs((OnnxExport.Images, images), condition));
            largest = Math.Max(largest, OnnxRunner.AssertMatches(posterior.Mean, encoded[OnnxExport.Mean], $"{name} encoder mean, batch {batch}", Tolerance));
            largest = Math.Max(largest, OnnxRunner.AssertMatches(posterior.LogVariance, encoded[OnnxExport.LogVariance], $"{name} encoder log-variance, batch {batch}", Tolerance));

            var decoded = OnnxRunner.Run(onnx.Decoder, Inputs((OnnxExport.Z, z), condition));
            Assert.Equal(OnnxExport.DecoderOutputs(model.Likelihood).Order(), decoded.Keys.Order());
            foreach (var (output, expected) in ExpectedDecoderOutputs(model, z, condition))
                largest = Math.Max(largest, OnnxRunner.AssertMatches(expected, decoded[output], $"{name} decoder {output}, batch {batch}", Tolerance));
        }
        log.WriteLine($"{name}: largest |workbench − ONNX Runtime| over both graphs and batches = {largest:G3}");
    }

    [Fact]
    public void Build_ComposedModelOfOtherLayers_OnnxRuntimeMatchesTheWorkbenchWithin1e5()
    {
        // A body that is one layer (registered as "body", not a Sequential), Hardtanh, tanh-approximate GELU, a BatchNorm1d without
        // affine parameters, a nested Sequential and a decoder with no bias.
        var rng = new Rng(3);
        var encoder = new GaussianEncoder(new Linear(784, 16, rng), features: 16, latentSize: 3, conditionSize: 0, rng);
        var network = new Sequential(
            new Linear(3, 16, rng, bias: false), new BatchNorm1d(16, affine: false), new GELU("tanh"),
            new Sequential(new Linear(16, 16, rng), new Hardtanh(-0.5f, 0.5f)), new Linear(16, 784, rng));
        var model = new VariationalAutoencoder(encoder, new ConcatDecoder(network), latentSize: 3);
        Perturb(model, new Rng(4));
        model.Eval();
        var onnx = OnnxExport.Build(model);

        var images = Tensor.Uniform(new Rng(5), 0f, 1f, 4, 784);
        var z = Tensor.Randn(new Rng(6), 4, 3);
        var posterior = (DiagonalGaussian)model.Encode(images);
        var encoded = OnnxRunner.Run(onnx.Encoder, (OnnxExport.Images, images));
        OnnxRunner.AssertMatches(posterior.Mean, encoded[OnnxExport.Mean], "mean");
        OnnxRunner.AssertMatches(posterior.LogVariance, encoded[OnnxExport.LogVariance], "log-variance");
        OnnxRunner.AssertMatches(model.Decode(z), OnnxRunner.Run(onnx.Decoder, (OnnxExport.Z, z))[OnnxExport.Logits], "logits");
    }

    [Fact]
    public void Build_ConditionalModel_DeclaresNamedInputsAndOutputsWithASymbolicBatchAxis()
    {
        var model = TrainedIsh(Exportable["cvae-conv"](), seed: 1);
        var onnx = OnnxExport.Build(model);

        using var encoder = new InferenceSession(onnx.Encoder);
        Assert.Equal([OnnxExport.Images, OnnxExport.Condition], encoder.InputMetadata.Keys);
        Assert.Equal([-1, 784], encoder.InputMetadata[OnnxExport.Images].Dimensions);
        Assert.Equal(OnnxGraph.BatchAxis, encoder.InputMetadata[OnnxExport.Images].SymbolicDimensions[0]);
        Assert.Equal([-1, 3], encoder.InputMetadata[OnnxExport.Condition].Dimensions);
        Assert.Equal([OnnxExport.Mean, OnnxExport.LogVariance], encoder.OutputMetadata.Keys);
        Assert.Equal([-1, 2], encoder.OutputMetadata[OnnxExport.Mean].Dimensions);
        Assert.Equal("Workbench", encoder.ModelMetadata.ProducerName);

        using var decoder = new InferenceSession(onnx.Decoder);
        Assert.Equal([OnnxExport.Z, OnnxExport.Condition], decoder.InputMetadata.Keys);
        Assert.Equal([-1, 2], decoder.InputMetadata[OnnxExport.Z].Dimensions);
        Assert.Equal([OnnxExport.Logits], decoder.OutputMetadata.Keys);
        Assert.Equal([-1, 784], decoder.OutputMetadata[OnnxExport.Logits].Dimensions);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "planar", "the encoder of the vae model with the planar flow, K=4 posterior is PlanarFlowEncoder, not the diagonal Gaussian encoder" },
        { "iaf", "the encoder of the vae model with the inverse autoregressive flow, K=2, hidden=8 posterior is InverseAutoregressiveFlowEncoder, not" },
        { "hierarchical", "the encoder of the hierarchical-vae model is HierarchicalEncoder, not" },
        { "vq-vae", "the encoder of the vq-vae model is VqEncoder, not" },
    };

    private static VaeConfig RefusedConfig(string name) => name switch
    {
        "planar" => new VaeConfig { HiddenSizes = [16], LatentSize = 2, Posterior = new PlanarFlowPosteriorConfig() },
        "iaf" => new VaeConfig { HiddenSizes = [16], LatentSize = 2, Posterior = new InverseAutoregressiveFlowPosteriorConfig(HiddenSize: 8) },
        "hierarchical" => new HierarchicalVaeConfig { Layers = [new([16], 4), new([8], 2)] },
        "vq-vae" => new VqVaeConfig { Codes = 8, CodeSize = 2, ConvChannels = [4, 8], PriorChannels = 4, PriorLayers = 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Export_ModelWithoutAGaussianEncoder_RefusesNamingItAndWritesNothing(string name, string expected)
    {
        using var directory = new TempDirectory();
        var model = RefusedConfig(name).Build(new Rng(1));

        var error = Assert.Throws<OnnxExportException>(() => OnnxExport.Export(model, directory.Path));

        Assert.StartsWith(expected, error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public void Export_DecoderWithAnUnknownLayer_RefusesNamingTheLayerAndWritesNeitherFile()
    {
        using var directory = new TempDirectory();
        var rng = new Rng(2);
        var encoder = new GaussianEncoder(new Sequential(new Linear(784, 8, rng), new ReLU()), 8, 2, 0, rng);
        var model = new VariationalAutoencoder(encoder, new ConcatDecoder(new Sequential(new Linear(2, 8, rng), new LayerNorm(8), new Linear(8, 784, rng))), latentSize: 2);

        var error = Assert.Throws<OnnxExportException>(() => OnnxExport.Export(model, directory.Path));

        Assert.StartsWith("layer 'decoder.1' (LayerNorm) has no ONNX counterpart in the exporter, which knows BatchNorm1d, BatchNorm2d, Conv2d, ConvTranspose2d,", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public void Build_BatchNormWithoutRunningStatistics_RefusesNamingTheLayer()
    {
        var rng = new Rng(2);
        var encoder = new GaussianEncoder(new Sequential(new Linear(784, 8, rng), new BatchNorm1d(8, trackRunningStats: false)), 8, 2, 0, rng);
        var model = new VariationalAutoencoder(encoder, new ConcatDecoder(new Linear(2, 784, rng)), latentSize: 2);

        var error = Assert.Throws<OnnxExportException>(() => OnnxExport.Build(model));

        Assert.StartsWith("layer 'encoder.1' (BatchNorm1d) tracks no running statistics", error.Message);
    }

    [Fact]
    public void Export_ExportableModel_WritesBothFilesLoadableByOnnxRuntime()
    {
        using var directory = new TempDirectory();
        var model = TrainedIsh(Exportable["mlp"](), seed: 2);

        var files = OnnxExport.Export(model, Path.Combine(directory.Path, "onnx"));

        Assert.Equal(Path.Combine(directory.Path, "onnx", OnnxExport.EncoderFile), files.Encoder);
        Assert.Equal(Path.Combine(directory.Path, "onnx", OnnxExport.DecoderFile), files.Decoder);
        Assert.Equal([OnnxExport.DecoderFile, OnnxExport.EncoderFile], Directory.EnumerateFiles(Path.Combine(directory.Path, "onnx")).Select(Path.GetFileName).Order());
        using var session = new InferenceSession(files.Encoder);
        Assert.Equal([OnnxExport.Mean, OnnxExport.LogVariance], session.OutputMetadata.Keys);
    }

    /// <summary>What the decoder graph's outputs must equal: the likelihood's parameters as the workbench computes them.</summary>
    private static IEnumerable<(string Output, Tensor Expected)> ExpectedDecoderOutputs(VariationalAutoencoder model, Tensor z, Tensor? condition)
    {
        var decoded = model.Decode(z, condition);                                            // (B, D)
        return model.Likelihood switch
        {
            BernoulliLikelihood or ContinuousBernoulliLikelihood => [(OnnxExport.Logits, decoded)],
            GaussianLikelihood gaussian => [(OnnxExport.Mean, gaussian.Mean(decoded)), (OnnxExport.LogVariance, gaussian.LogVariance)],
            DiscretizedLogisticLikelihood logistic => [(OnnxExport.Mean, decoded), (OnnxExport.LogScale, logistic.LogScale)],
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
    }

    private static (string, Tensor)[] Inputs((string Name, Tensor Value) first, Tensor? condition) =>
        condition is null ? [first] : [first, (OnnxExport.Condition, condition)];

    /// <summary>The model <paramref name="config"/> builds with every parameter and buffer moved off its initial value, in evaluation mode.</summary>
    internal static VariationalAutoencoder TrainedIsh(VaeConfig config, ulong seed)
    {
        var model = config.Build(new Rng(seed));
        Perturb(model, new Rng(seed + 1000));
        model.Eval();
        return model;
    }

    /// <summary>Adds uniform noise in ±0.05 to every parameter and buffer; running variances become 0.5 to 1.5.</summary>
    private static void Perturb(Module model, Rng rng)
    {
        foreach (var (name, tensor) in model.NamedParameters().Concat(model.NamedBuffers()))
        {
            if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
            var noise = Tensor.Uniform(rng, 0f, 1f, tensor.Size).ToArray();
            var values = tensor.Span;
            bool variance = name.EndsWith("running_var", StringComparison.Ordinal);
            for (int i = 0; i < tensor.Size; i++) values[i] = variance ? 0.5f + noise[i] : values[i] + 0.1f * (noise[i] - 0.5f);
        }
    }
}
