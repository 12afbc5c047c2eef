using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Models;

namespace Workbench.Notebooks;

// Disentanglement on the procedural sprites, whose generative factors are known.
public static partial class Lab
{
    /// <summary>
    /// The sprites of the "sprites" dataset with their factors (shape, scale, rotation, x, y): the same
    /// <see cref="ExperimentData.SpritesTrainCount"/> training and <see cref="ExperimentData.SpritesTestCount"/>
    /// test images that experiment files use. Train on <c>.Images</c>; measure with <see cref="Mig(VariationalAutoencoder, SpritesDataset, int)"/>.
    /// </summary>
    public static (SpritesDataset Train, SpritesDataset Test) LoadSprites() =>
        (Sprites.Sample(ExperimentData.SpritesTrainCount, seed: 1), ExperimentData.SpritesTest(new DataSpec { Dataset = "sprites" })!);

    /// <summary>
    /// The sprites of the "sprites-colour" dataset: RGB images (3×28×28) of a sprite in one of six hues on black, with
    /// six factors (shape, colour, scale, rotation, x, y); the same images experiment files use. Build the model with
    /// <c>ImageChannels = 3</c>.
    /// </summary>
    public static (SpritesDataset Train, SpritesDataset Test) LoadColourSprites() =>
        (Sprites.Sample(ExperimentData.SpritesTrainCount, seed: 1, SpritesOptions.ColourDefaults), ExperimentData.SpritesTest(new DataSpec { Dataset = "sprites-colour" })!);

    /// <summary>The Mutual Information Gap (Chen et al. 2018) of the model's posterior means on <paramref name="sprites"/>; displays as a table per factor.</summary>
    public static MigResult Mig(VariationalAutoencoder model, SpritesDataset sprites, int bins = MutualInformationGap.DefaultBins) =>
        MutualInformationGap.Evaluate(model, sprites, bins);

    /// <summary>
    /// The MIG of a run trained on sprites (from <c>workbench run</c> or <see cref="OpenRun"/>) on its test
    /// sprites, the number its <c>disentanglement.json</c> holds.
    /// </summary>
    /// <exception cref="ArgumentException">The run was not trained on the "sprites" dataset, so no factors are known.</exception>
    public static MigResult Mig(LabRun run, int bins = MutualInformationGap.DefaultBins)
    {
        if (run.Folder is null)
            throw new ArgumentException($"Run '{run.Name}' has no folder; pass the sprites it should be measured on: Lab.Mig(run.Model, Lab.LoadSprites().Test).", nameof(run));
        var definition = TrainedRun.ReadDefinition(Path.Combine(run.Folder, TrainedRun.ConfigFile));
        var sprites = ExperimentData.SpritesTest(definition.Data)
            ?? throw new ArgumentException($"Run '{run.Name}' was trained on '{definition.Data.Dataset}', whose generative factors are unknown; MIG needs the sprites dataset.", nameof(run));
        return MutualInformationGap.Evaluate(run.Model, sprites, bins);
    }
}
