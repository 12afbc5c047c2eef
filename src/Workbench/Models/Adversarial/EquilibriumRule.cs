namespace Workbench.Models.Adversarial;

/// <summary>
/// Which parameter groups a VAE–GAN step updates, from how well the discriminator did on this batch: the margin rule of
/// the public VAE–GAN implementations (Larsen et al.'s own code and its PyTorch ports): with the discriminator's
/// cross-entropies on real images, −log D(x), and on prior samples, −log(1 − D(x_p)) (batch means, nats),
/// the discriminator is not updated when either is below <c>equilibrium − margin</c> (it is winning too easily),
/// the decoder is not updated when either is above <c>equilibrium + margin</c> (it would learn from a discriminator
/// that cannot yet tell), and when both would be skipped both are updated. The encoder is always updated.
/// <c>equilibrium</c> ≈ ln 2 = 0.693 is each cross-entropy at D = ½.
/// </summary>
/// <param name="Equilibrium">The cross-entropy at which the two are balanced, nats (default 0.68).</param>
/// <param name="Margin">How far from it either may stray before a group is held back, nats (default 0.35); infinity turns the rule off.</param>
public sealed record EquilibriumRule(double Equilibrium = 0.68, double Margin = 0.35)
{
    /// <summary>Which groups to update, given this step's real and prior-sample cross-entropies.</summary>
    public GroupUpdates Decide(double realLoss, double priorSampleLoss)
    {
        double low = Equilibrium - Margin, high = Equilibrium + Margin;
        bool discriminator = !(realLoss < low || priorSampleLoss < low);
        bool decoder = !(realLoss > high || priorSampleLoss > high);
        if (!discriminator && !decoder) discriminator = decoder = true;
        return new GroupUpdates(Encoder: true, decoder, discriminator);
    }
}

/// <summary>Which of the VAE–GAN's three parameter groups a step updates.</summary>
public readonly record struct GroupUpdates(bool Encoder, bool Decoder, bool Discriminator);
