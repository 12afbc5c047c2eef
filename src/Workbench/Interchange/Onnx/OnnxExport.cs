using System.Reflection;
using Workbench.IO;
using Workbench.Models;
using Workbench.Models.Likelihoods;
using Workbench.Models.Parts;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Interchange.Onnx;

/// <summary>
/// Writes a trained <see cref="VariationalAutoencoder"/>'s encoder and decoder as two ONNX models (opset <see cref="Opset"/>),
/// each with a symbolic batch axis, computing what the model computes in evaluation mode:
/// <list type="bullet">
/// <item><c>encoder.onnx</c>: <c>images</c> (batch, D) [and <c>condition</c> (batch, classes), one-hot] → <c>mean</c> and
/// <c>log_variance</c> (batch, latent), the diagonal Gaussian q(z|x).</item>
/// <item><c>decoder.onnx</c>: <c>z</c> (batch, latent) [and <c>condition</c>] → the likelihood's parameters
/// (<see cref="DecoderOutputs"/>): <c>logits</c> for the Bernoulli and continuous Bernoulli, <c>mean</c> and
/// <c>log_variance</c> for the Gaussian, <c>mean</c> and <c>log_scale</c> for the discretized logistic.</item>
/// </list>
/// Covers the shipped image models whose posterior is the diagonal Gaussian (vae, beta-vae, cvae, beta-tcvae, m2, vae-gan, any prior)
/// over the mlp, conv and conv-bn networks, and models composed in code from the same parts and layers
/// (<see cref="OnnxLayers.KnownLayers"/>). Anything else (flow posteriors, hierarchical and vector-quantized models,
/// unknown layers) is refused with an <see cref="OnnxExportException"/> naming it, before anything is written.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graphs import (every operator used is in it unchanged since opset 13 or earlier).</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version written (IR 8 goes with opset 17).</summary>
    public const int IrVersion = 8;

    public const string EncoderFile = "encoder.onnx", DecoderFile = "decoder.onnx";

    /// <summary>Graph input and output names.</summary>
    public const string Images = "images", Condition = "condition", Z = "z", Mean = "mean", LogVariance = "log_variance", Logits = "logits", LogScale = "log_scale";

    /// <summary>Both models as ONNX bytes, or an <see cref="OnnxExportException"/> naming what cannot be exported.</summary>
    public static OnnxModels Build(VariationalAutoencoder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        RequireOwnEncodeAndDecode(model);
        return new OnnxModels(Encoder(model), Decoder(model));
    }

    /// <summary>
    /// Writes <see cref="EncoderFile"/> and <see cref="DecoderFile"/> into <paramref name="folder"/> (created if missing), each atomically;
    /// a model that cannot be exported writes neither, and if the second file cannot be written the first is removed.
    /// </summary>
    /// <returns>The two paths written.</returns>
    public static OnnxFiles Export(VariationalAutoencoder model, string folder)
    {
        var models = Build(model);
        var files = new OnnxFiles(Path.GetFullPath(Path.Combine(folder, EncoderFile)), Path.GetFullPath(Path.Combine(folder, DecoderFile)));
        AtomicFile.WriteAllBytes(files.Encoder, models.Encoder);
        try { AtomicFile.WriteAllBytes(files.Decoder, models.Decoder); }
        catch
        {
            File.Delete(files.Encoder);
            throw;
        }
        return files;
    }

    /// <summary>The names of the decoder graph's outputs for <paramref name="likelihood"/>, in order.</summary>
    public static IReadOnlyList<string> DecoderOutputs(Likelihood likelihood) => likelihood switch
    {
        BernoulliLikelihood or ContinuousBernoulliLikelihood => [Logits],
        GaussianLikelihood => [Mean, LogVariance],
        DiscretizedLogisticLikelihood => [Mean, LogScale],
        _ => throw new OnnxExportException($"the likelihood {likelihood.GetType().Name} has no ONNX form in the exporter, which writes the Bernoulli, continuous Bernoulli, Gaussian and discretized logistic ones."),
    };

    /// <summary>images [+ condition] → mean, log_variance.</summary>
    private static byte[] Encoder(VariationalAutoencoder model)
    {
        if (model.Encoder.GetType() != typeof(GaussianEncoder))
            throw new OnnxExportException($"the encoder of {Describe(model)} is {model.Encoder.GetType().Name}, not the diagonal Gaussian encoder (GaussianEncoder) the exporter writes: " +
                "flow posteriors, hierarchical and vector-quantized encoders have no single (mean, log-variance) output.");
        var encoder = (GaussianEncoder)model.Encoder;
        var graph = new OnnxGraph("encoder");
        string x = graph.Input(Images, model.Pixels);
        string? condition = model.Conditioning.IsConditional ? graph.Input(Condition, model.Conditioning.Size) : null;
        if (condition is not null && !encoder.ConditionAfterBody) x = graph.Node("Concat", "encoder.input", [x, condition], null, ("axis", 1L));
        string features = OnnxLayers.Emit(graph, encoder.Body, encoder.Body is Sequential ? "encoder" : "encoder.body", x); // (batch, F)
        if (condition is not null && encoder.ConditionAfterBody) features = graph.Node("Concat", "encoder.features", [features, condition], null, ("axis", 1L));
        graph.Node("Identity", "encoder.mean", [OnnxLayers.Emit(graph, encoder.MeanHead, "encoder.fc_mu", features)], Mean);
        graph.Node("Identity", "encoder.log_variance", [OnnxLayers.Emit(graph, encoder.LogVarianceHead, "encoder.fc_logvar", features)], LogVariance);
        graph.Output(Mean, null, model.LatentSize);
        graph.Output(LogVariance, null, model.LatentSize);
        return graph.ToModel(IrVersion, Opset, ProducerVersion,
            $"{Describe(model)}: encoder q(z|x{(condition is null ? "" : ", y")}) = N(mean, diag exp(log_variance)); images (batch, {model.Pixels}) in [0, 1], flattened (C, H, W) per image.");
    }

    /// <summary>z [+ condition] → the likelihood's parameters.</summary>
    private static byte[] Decoder(VariationalAutoencoder model)
    {
        if (model.Decoder.GetType() != typeof(ConcatDecoder))
            throw new OnnxExportException($"the decoder of {Describe(model)} is {model.Decoder.GetType().Name}, not the network over [z, condition] (ConcatDecoder) the exporter writes.");
        var decoder = (ConcatDecoder)model.Decoder;
        var outputs = DecoderOutputs(model.Likelihood);
        var graph = new OnnxGraph("decoder");
        string z = graph.Input(Z, model.LatentSize);
        if (model.Conditioning.IsConditional) z = graph.Node("Concat", "decoder.input", [z, graph.Input(Condition, model.Conditioning.Size)], null, ("axis", 1L));
        string output = OnnxLayers.Emit(graph, decoder.Network, decoder.Network is Sequential ? "decoder" : "decoder.network", z); // (batch, D)
        switch (model.Likelihood)
        {
            case BernoulliLikelihood or ContinuousBernoulliLikelihood:
                graph.Node("Identity", "decoder.logits", [output], Logits);
                break;
            case GaussianLikelihood gaussian:
                graph.Node("Sigmoid", "likelihood.mean", [output], Mean);
                graph.Node("Identity", "likelihood.log_variance", [OnnxLayers.Weight(graph, gaussian.LogVariance, "likelihood.log_variance")], LogVariance);
                break;
            case DiscretizedLogisticLikelihood logistic:
                graph.Node("Identity", "decoder.mean", [output], Mean);
                graph.Node("Identity", "likelihood.log_scale", [OnnxLayers.Weight(graph, logistic.LogScale, "likelihood.log_scale")], LogScale);
                break;
        }
        foreach (string name in outputs)
            if (name is LogVariance or LogScale) graph.Output(name, ParameterLength(model.Likelihood));
            else graph.Output(name, null, model.Pixels);
        return graph.ToModel(IrVersion, Opset, ProducerVersion,
            $"{Describe(model)}: decoder, z (batch, {model.LatentSize}){(model.Conditioning.IsConditional ? " and a one-hot condition" : "")} → the parameters of its {model.Likelihood} ({string.Join(", ", outputs)}).");
    }

    /// <summary>Length of the likelihood's shared parameter vector: one per pixel when learned, one for a fixed Gaussian σ.</summary>
    private static int ParameterLength(Likelihood likelihood) => likelihood switch
    {
        GaussianLikelihood gaussian => gaussian.LogVariance.Size,
        DiscretizedLogisticLikelihood logistic => logistic.LogScale.Size,
        _ => 0,
    };

    /// <summary>A model whose class computes Encode or Decode its own way would not be what the parts compute.</summary>
    private static void RequireOwnEncodeAndDecode(VariationalAutoencoder model)
    {
        foreach (string method in new[] { nameof(VariationalAutoencoder.Encode), nameof(VariationalAutoencoder.Decode) })
        {
            var declared = model.GetType().GetMethod(method, [typeof(Tensor), typeof(Tensor)])!.DeclaringType;
            if (declared != typeof(VariationalAutoencoder))
                throw new OnnxExportException($"{Describe(model)} ({model.GetType().Name}) overrides {method}, so its encoder and decoder parts alone do not compute it.");
        }
    }

    private static string Describe(VariationalAutoencoder model) =>
        model.Config is { } config ? $"the {config.VariantName} model{(config.Posterior is { } posterior ? $" with the {posterior.Describe()} posterior" : "")}" : "the model composed in code";

    private static string ProducerVersion =>
        typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}

/// <summary>An exported model pair: the ONNX encoder and decoder as file bytes.</summary>
public sealed record OnnxModels(byte[] Encoder, byte[] Decoder);

/// <summary>The paths of the two files written by <see cref="OnnxExport.Export"/>.</summary>
public sealed record OnnxFiles(string Encoder, string Decoder);
