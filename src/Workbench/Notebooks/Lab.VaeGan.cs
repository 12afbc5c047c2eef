using Workbench.Data;
using Workbench.Experiments.Figures;
using Workbench.Models.Adversarial;
using Workbench.Plotting;
using Workbench.Training;

namespace Workbench.Notebooks;

// The VAE–GAN (Larsen et al. 2016): train it in a cell and look at its three losses. Its samples are any model's (Lab.Samples).
public static partial class Lab
{
    /// <summary>
    /// Trains a VAE–GAN (<see cref="VaeGanConfig"/>: the conv VAE's encoder and decoder, a conv discriminator, three RMSprop
    /// optimizers at 3·10⁻⁴ with the equilibrium rule) on <paramref name="train"/> for <paramref name="epochs"/> epochs of
    /// <paramref name="batchSize"/> images, measuring it on <paramref name="test"/> like <see cref="Train(Models.VaeConfig, TrainingOptions, ImageDataset, ImageDataset?, string?, bool)"/>
    /// (logged as a run and reused on re-execution unless <paramref name="retrain"/>). On the bundled 5,000-image subset the
    /// defaults train for about a minute on two cores.
    /// </summary>
    /// <param name="config">Null for the defaults (γ 0.1, discriminator channels [32, 64], latent 20).</param>
    public static LabRun TrainVaeGan(ImageDataset train, ImageDataset? test = null, int epochs = 2, int batchSize = 64, ulong seed = 1,
        VaeGanConfig? config = null, string name = "VAE–GAN", bool retrain = false) =>
        Train(config ?? new VaeGanConfig(), new TrainingOptions { Epochs = epochs, BatchSize = batchSize, Seed = seed }, train, test, name, retrain);

    /// <summary>
    /// The further terms <paramref name="run"/>'s model reported per epoch, one panel each: for a VAE–GAN its encoder, decoder
    /// and discriminator losses, L_llike, L_GAN, the discriminator's cross-entropies and the share of steps each group updated.
    /// </summary>
    public static Figure TrainingTerms(LabRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return RunArtifacts.TrainingTermsFigure(run.History, $"{run.Name}: training terms per epoch")
            ?? throw new ArgumentException($"Run '{run.Name}' reported no terms besides the ELBO (only models such as the VAE–GAN do).", nameof(run));
    }
}
