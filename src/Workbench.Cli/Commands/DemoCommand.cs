using System.CommandLine;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Tensors;
using Workbench.Training;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench demo</c>: a small VAE trained end to end on generated sprites, in seconds.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 5 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of initialisation, shuffling and noise.", DefaultValueFactory = _ => 1 };
        var command = new Command("demo", "Train a small VAE on generated sprites end to end (a smoke test of the whole stack).")
        {
            epochs, seed,
        };
        command.SetAction(parse => Run(parse.GetValue(epochs), parse.GetValue(seed)));
        return command;
    }

    private static int Run(int epochs, ulong seed)
    {
        var train = Sprites.Sample(4000, seed).Images;
        var test = Sprites.Sample(500, seed + 1).Images;
        var config = new VaeConfig { HiddenSizes = [256], LatentSize = 8 };
        var model = VariationalAutoencoder.Create(config, new Rng(seed));
        Console.WriteLine($"Training a {config.Pixels}-256-{config.LatentSize} VAE on {train.Count} generated 28×28 sprites for {epochs} epochs.");
        var trainer = new Trainer(model, new TrainingOptions { Epochs = epochs, BatchSize = 100, Seed = seed });
        var result = trainer.Fit(train, test);
        var last = result.History[^1];
        var active = ActiveUnits.Evaluate(model, test);
        Console.WriteLine($"Test −ELBO {last.TestNegativeElbo:F2} nats/image (reconstruction {last.TestReconstruction:F2}, KL {last.TestKl:F2}); " +
                          $"{active.Count} of {config.LatentSize} latent dimensions active.");
        return 0;
    }
}
