using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LibTorchPeer;

/// <summary>
/// The models of tests/reference/pytorch_vae.py, layer for layer, created in the same order after the same seed, with
/// TorchSharp's modules (which initialise as PyTorch's do: Kaiming-uniform weights with a = √5, biases uniform in
/// ±1/√fan_in, batch norm 1 and 0). An encoder to features, two linear heads (μ, log σ²) and a decoder to Bernoulli logits.
/// </summary>
internal sealed class Vae : Module<Tensor, (Tensor Logits, Tensor Mu, Tensor LogVar)>
{
    private const int Latent = 20;

    private readonly Sequential encoder;
    private readonly Linear fc_mu, fc_logvar;
    private readonly Sequential decoder;

    /// <summary>The encoder, the heads and the decoder are created in this order, as the Python classes create them.</summary>
    private Vae(Func<Sequential> encoder, long features, Func<Sequential> decoder) : base(nameof(Vae))
    {
        this.encoder = encoder();
        fc_mu = Linear(features, Latent);
        fc_logvar = Linear(features, Latent);
        this.decoder = decoder();
        RegisterComponents();
    }

    /// <summary>pytorch_vae.py's <c>mlp</c>: 784-400-20 with ReLU, the classic PyTorch VAE example.</summary>
    public static Vae Mlp() => new(
        () => Sequential(Linear(784, 400), ReLU()),
        400,
        () => Sequential(Linear(Latent, 400), ReLU(), Linear(400, 784)));

    /// <summary>pytorch_vae.py's <c>conv</c>: 4×4 stride-2 convolutions 1→32→64 (28→14→7) with ReLU, mirrored by transposed convolutions.</summary>
    public static Vae Conv() => new(
        () => Sequential(
            Unflatten(1, [1, 28, 28]),
            Conv2d(1, 32, 4, stride: 2, padding: 1), ReLU(),
            Conv2d(32, 64, 4, stride: 2, padding: 1), ReLU(), Flatten()),
        64 * 7 * 7,
        () => Sequential(
            Linear(Latent, 64 * 7 * 7), ReLU(), Unflatten(1, [64, 7, 7]),
            ConvTranspose2d(64, 32, 4, stride: 2, padding: 1), ReLU(),
            ConvTranspose2d(32, 1, 4, stride: 2, padding: 1), Flatten()));

    /// <summary>
    /// pytorch_vae.py's <c>conv-bn</c> (PyTorch-VAE's VanillaVAE shape for 28×28): 3×3 stride-2 convolutions 1→32→64→128
    /// (28→14→7→4) each with BatchNorm2d and LeakyReLU; the decoder's transposed convolutions 128→64→32 (output padding 0,
    /// 1: 4→7→14) and 32→32 (to 28), each with BatchNorm2d and LeakyReLU, then a 3×3 convolution to one channel of logits.
    /// </summary>
    public static Vae ConvBn() => new(
        () => Sequential(
            Unflatten(1, [1, 28, 28]),
            Conv2d(1, 32, 3, stride: 2, padding: 1), BatchNorm2d(32), LeakyReLU(),
            Conv2d(32, 64, 3, stride: 2, padding: 1), BatchNorm2d(64), LeakyReLU(),
            Conv2d(64, 128, 3, stride: 2, padding: 1), BatchNorm2d(128), LeakyReLU(), Flatten()),
        128 * 4 * 4,
        () => Sequential(
            Linear(Latent, 128 * 4 * 4), Unflatten(1, [128, 4, 4]),
            ConvTranspose2d(128, 64, 3, stride: 2, padding: 1, output_padding: 0), BatchNorm2d(64), LeakyReLU(),
            ConvTranspose2d(64, 32, 3, stride: 2, padding: 1, output_padding: 1), BatchNorm2d(32), LeakyReLU(),
            ConvTranspose2d(32, 32, 3, stride: 2, padding: 1, output_padding: 1), BatchNorm2d(32), LeakyReLU(),
            Conv2d(32, 1, 3, padding: 1), Flatten()));

    /// <param name="x">(B, 784) pixels in [0, 1].</param>
    /// <returns>Logits (B, 784), μ and log σ² (B, 20).</returns>
    public override (Tensor Logits, Tensor Mu, Tensor LogVar) forward(Tensor x)
    {
        var h = encoder.call(x);
        var (mu, logVar) = (fc_mu.call(h), fc_logvar.call(h));
        var z = mu + randn_like(mu) * (0.5 * logVar).exp();
        return (decoder.call(z), mu, logVar);
    }

    /// <summary>
    /// pytorch_vae.py's loss_function: Bernoulli reconstruction (BCE with logits) plus the Gaussian KL, both summed over
    /// the batch, nats.
    /// </summary>
    public static Tensor Loss(Tensor logits, Tensor x, Tensor mu, Tensor logVar)
    {
        var reconstruction = functional.binary_cross_entropy_with_logits(logits, x, reduction: Reduction.Sum);
        var kl = -0.5 * (1 + logVar - mu.pow(2) - logVar.exp()).sum();
        return reconstruction + kl;
    }
}
