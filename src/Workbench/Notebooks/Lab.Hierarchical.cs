using Workbench.Data;
using Workbench.Display;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.Hierarchical;

namespace Workbench.Notebooks;

public static partial class Lab
{
    /// <summary>
    /// Active units of a model with several stochastic layers (<see cref="HierarchicalVaeConfig"/>), counted per
    /// layer as Burda et al. (2016) do: a table with one row per layer z_1 … z_L (active / size) and the activities.
    /// The activity of an upper layer is that of its conditional mean along the mean path (<see cref="HierarchicalPosterior.Mean"/>).
    /// </summary>
    public static HtmlTable ActiveUnitsPerLayer(VariationalAutoencoder model, ImageDataset data, double threshold = 0.01)
    {
        if (model.Prior is not HierarchicalPrior prior)
            throw new ArgumentException($"ActiveUnitsPerLayer reads the layers of a hierarchical VAE (variant hierarchical-vae); this model's prior is a {model.Prior.GetType().Name}.", nameof(model));
        var active = Evaluation.ActiveUnits.Evaluate(model, data, threshold);
        var counts = active.CountPerBlock(prior.LayerSizes);
        var table = new HtmlTable(["layer", "active units", "size"], $"{active.Count} of {model.LatentSize} latent dimensions active (threshold {threshold:G3})");
        for (int l = 0; l < counts.Length; l++) table.AddRow($"z{l + 1}", counts[l], prior.LayerSizes[l]);
        return table;
    }
}
