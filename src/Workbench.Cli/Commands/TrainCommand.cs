using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Running;
using Workbench.IO;
using Workbench.Models;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench train [flags]</c>: one run from flags. The flags become an experiment,
/// saved as <c>&lt;output&gt;/experiment.json</c> and run by the same <see cref="ExperimentRunner"/> as
/// <c>workbench run</c>, so the run lands in <c>&lt;output&gt;/default/</c> with the same layout and
/// can be repeated with <c>workbench run &lt;output&gt;/experiment.json</c>. Everything it writes stays inside
/// the <c>--output</c> folder given: its index.json and plotly.js too.
/// </summary>
internal static class TrainCommand
{
    public const string ExperimentFile = "experiment.json";

    public static Command Create()
    {
        var variant = Choice("--variant", "vae", "Model variant: vae (Kingma & Welling 2014), beta-vae (Higgins et al. 2017), cvae (class-conditional, Sohn et al. 2015) or beta-tcvae (Chen et al. 2018; --beta weighs the total correlation).",
            [.. VaeConfig.VariantNames]);
        var beta = new Option<float?>("--beta") { Description = "KL weight β (default 1; 4 for beta-vae). With a schedule, the weight it reaches." };
        var latent = CommonOptions.AtLeast("--latent", 1, 20, "Latent dimensions.");
        var hidden = new Option<int[]>("--hidden")
        {
            Description = "Hidden layer widths of the MLP encoder, e.g. --hidden 512 256 (the decoder mirrors them).",
            DefaultValueFactory = _ => [400],
            AllowMultipleArgumentsPerToken = true,
        };
        var architecture = Choice("--architecture", "mlp", "Encoder/decoder family: mlp, conv (strided convolutions) or conv-bn (3×3 strided convolutions with batch norm).", "mlp", "conv", "conv-bn");
        var likelihood = Choice("--likelihood", "bernoulli", "Decoder likelihood p(x|z).", "bernoulli", "gaussian-fixed-variance", "gaussian-learned-variance", "continuous-bernoulli", "discretized-logistic");
        var objective = Choice("--objective", "elbo",
            "What is optimised: the ELBO, an ablation (reconstruction-only, kl-only, deterministic-autoencoder), or the importance-weighted bound (Burda et al. 2016; k from --samples).",
            [.. Enum.GetNames<Objective>().Select(JsonNamingPolicy.KebabCaseLower.ConvertName)]);
        var samples = CommonOptions.AtLeast("--samples", 1, 1, "importance-weighted: k, samples of z per image.");
        var prior = Choice("--prior", "standard-normal", "Prior p(z): standard-normal, or vamp (Tomczak & Welling 2018; --prior-components pseudo-inputs).",
            "standard-normal", "vamp");
        var priorComponents = CommonOptions.AtLeast("--prior-components", 1, 500, "vamp: number of pseudo-inputs K.");
        var schedule = Choice("--kl-schedule", "constant",
            "KL weight over training: constant β, linear-warmup (Bowman et al. 2016), cyclical (Fu et al. 2019), or capacity annealing (Burgess et al. 2018).",
            "constant", "linear-warmup", "cyclical", "capacity");
        var warmup = new Option<double>("--warmup-fraction") { Description = "linear-warmup: fraction of training over which β rises from 0.", DefaultValueFactory = _ => 0.3 };
        var cycles = new Option<int>("--cycles") { Description = "cyclical: number of cycles.", DefaultValueFactory = _ => 4 };
        var ratio = new Option<double>("--cycle-ratio") { Description = "cyclical: fraction of each cycle spent rising.", DefaultValueFactory = _ => 0.5 };
        var gamma = new Option<float>("--capacity-gamma") { Description = "capacity: γ in γ·|KL − C|.", DefaultValueFactory = _ => 1000f };
        var maxCapacity = new Option<float>("--capacity-max") { Description = "capacity: final capacity C in nats.", DefaultValueFactory = _ => 25f };
        var ramp = new Option<double>("--capacity-ramp") { Description = "capacity: fraction of training over which C rises from 0.", DefaultValueFactory = _ => 1.0 };
        var freeBits = new Option<float?>("--free-bits") { Description = "Free bits λ (Kingma et al. 2016): each latent dimension pays at least λ nats." };
        var dataset = Choice("--dataset", "fashion-mnist-subset",
            "Images: fashion-mnist-subset (bundled, offline), fashion-mnist, mnist or sprites; your own files (--data-path): image-folder, npy or csv.", DataSpecKnown());
        var dataPath = new Option<string?>("--data-path")
        {
            Description = "image-folder: a folder of class subfolders of PNGs; npy: a .npy of images or a .npz; csv: a CSV of numbers. The model's image size is read from it. See docs/data.md.",
        };
        var labels = new Option<string?>("--labels") { Description = "npy: a .npy of integer labels, one per image, in the folder of --data-path." };
        var labelColumn = new Option<string?>("--label-column") { Description = "csv: the label column, by header name or number counted from 1." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the IDX files (fashion-mnist, mnist); default: the usual places." };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Train on a seeded subset of this many images." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Evaluate on a seeded subset of this many test images." };
        var epochs = CommonOptions.AtLeast("--epochs", 1, 10, "Passes over the training set.");
        var batchSize = CommonOptions.AtLeast("--batch-size", 1, 128, "Images per minibatch.");
        var learningRate = new Option<float>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3f };
        var seed = new Option<ulong>("--seed") { Description = "Seed of initialisation, shuffling and sampling noise.", DefaultValueFactory = _ => 1 };
        var iwae = CommonOptions.AtLeast("--iwae", 0, 0, "k of the importance-weighted bound evaluated after training (0 skips it).");
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Experiment folder to write, results/<name>; the run goes to <output>/default/. Default: results/train-<variant>-<flags given>, e.g. results/train-beta-vae-beta4-epochs5.",
        };
        var noPng = CommonOptions.NoPng();
        var rerunChanged = CommonOptions.RerunChanged();

        var command = new Command("train", "Train one model from flags; writes a run folder (config, metrics, model, pictures, figures, summary) and a report.")
        {
            variant, beta, latent, hidden, architecture, likelihood, objective, samples, prior, priorComponents, schedule, warmup, cycles, ratio, gamma, maxCapacity, ramp, freeBits,
            dataset, dataDir, dataPath, labels, labelColumn, trainLimit, testLimit, epochs, batchSize, learningRate, seed, iwae, output, noPng, rerunChanged,
        };
        command.SetAction((parse, cancellation) =>
        {
            string variantName = parse.GetValue(variant)!;
            var model = new JsonObject
            {
                ["variant"] = variantName,
                ["architecture"] = parse.GetValue(architecture),
                ["hiddenSizes"] = new JsonArray(parse.GetValue(hidden)!.Select(h => (JsonNode)h).ToArray()),
                ["latentSize"] = parse.GetValue(latent),
                ["likelihood"] = parse.GetValue(likelihood),
                ["objective"] = parse.GetValue(objective),
            };
            if (parse.GetValue(objective) == "importance-weighted") model["samples"] = parse.GetValue(samples);
            else if (parse.GetValue(samples) != 1) throw new UsageException("--samples is k of --objective importance-weighted; give that objective or drop --samples.");
            if (parse.GetValue(prior) == "vamp") model["prior"] = new JsonObject { ["kind"] = "vamp", ["components"] = parse.GetValue(priorComponents) };
            float betaValue = parse.GetValue(beta) ?? variantName switch { "beta-vae" => 4f, "beta-tcvae" => 6f, _ => 1f };
            if (variantName is "beta-vae" or "beta-tcvae")
            {
                // β-VAE's β (β-TCVAE's weight on the total correlation) is model.beta alone; schedules and free bits carry their own β and go with variant vae.
                if (parse.GetValue(schedule) != "constant" || parse.GetValue(freeBits) is not null)
                    throw new UsageException("--kl-schedule and --free-bits carry β themselves: use them with --variant vae (β from --beta).");
                model["beta"] = betaValue;
            }
            else if (parse.GetValue(objective) != "importance-weighted")
            {
                model["klPenalty"] = KlPenalty(parse.GetValue(schedule)!, betaValue, parse.GetValue(warmup), parse.GetValue(cycles), parse.GetValue(ratio),
                    parse.GetValue(gamma), parse.GetValue(maxCapacity), parse.GetValue(ramp), parse.GetValue(freeBits));
            }
            if (parse.GetValue(dataDir) is not null && !DataSpec.ReadFromFiles.Contains(parse.GetValue(dataset)))
                throw new UsageException($"--data-dir names the folder of IDX files for --dataset {string.Join(" or ", DataSpec.ReadFromFiles)}; " +
                                         $"--dataset {parse.GetValue(dataset)} reads no files: drop --data-dir or choose one of those datasets.");
            var data = new JsonObject { ["dataset"] = parse.GetValue(dataset) };
            if (parse.GetValue(dataDir) is { } directory) data["directory"] = Path.GetFullPath(directory);
            string? dataFolder = null;
            if (parse.GetValue(dataPath) is { } yourData)
            {
                if (!DataSpec.FromYourFiles.Contains(parse.GetValue(dataset)))
                    throw new UsageException($"--data-path names your own data for --dataset {string.Join(", ", DataSpec.FromYourFiles)}; choose one of those or drop --data-path.");
                string full = Path.GetFullPath(yourData);
                dataFolder = Path.GetDirectoryName(full.TrimEnd(Path.DirectorySeparatorChar));
                data["path"] = full;
                if (parse.GetValue(labels) is { } labelFile) data["labels"] = Path.GetFullPath(labelFile);
                if (parse.GetValue(labelColumn) is { } column) data["labelColumn"] = column;
                var (imageChannels, imageHeight, imageWidth) = Workbench.Data.Files.FileImageSize.Of(parse.GetValue(dataset)!, full, parse.GetValue(labelColumn));
                if (imageChannels != 1) model["imageChannels"] = imageChannels; // one channel is the default, left out of the configuration
                model["imageHeight"] = imageHeight;
                model["imageWidth"] = imageWidth;
            }
            else if (DataSpec.FromYourFiles.Contains(parse.GetValue(dataset)))
                throw new UsageException($"--dataset {parse.GetValue(dataset)} reads your own files: name them with --data-path (see docs/data.md).");
            if (parse.GetValue(trainLimit) is { } train) data["trainLimit"] = train;
            if (parse.GetValue(testLimit) is { } test) data["testLimit"] = test;

            var folder = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine("results", TrainFolderName.For(variantName, parse, command.Options)));
            var experiment = new JsonObject
            {
                ["name"] = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)),
                ["description"] = $"One {variantName} trained with `workbench train`.",
                ["data"] = data,
                ["model"] = model,
                ["training"] = new JsonObject
                {
                    ["epochs"] = parse.GetValue(epochs),
                    ["batchSize"] = parse.GetValue(batchSize),
                    ["learningRate"] = parse.GetValue(learningRate),
                    ["seed"] = parse.GetValue(seed),
                },
                ["evaluation"] = new JsonObject { ["importanceSamples"] = parse.GetValue(iwae) },
            };
            return Task.FromResult(Run(experiment, folder, outputGiven: parse.GetValue(output) is not null, parse.GetValue(noPng), parse.GetValue(rerunChanged),
                CommonOptions.Out(parse), cancellation, dataFolder));
        });
        return command;
    }

    /// <summary>
    /// Validates the settings and checks the data in memory, then, holding the folder's lock (so two
    /// trains into one folder never mix settings), runs the experiment; the run compares what the folder
    /// holds with these settings under its own lock. experiment.json is written once the run has
    /// finished or stopped, so a train that fails leaves none behind. Into a folder the user named
    /// (<paramref name="outputGiven"/>), the index and plotly.js go inside it; into the default results/train-…,
    /// they are the results folder's.
    /// </summary>
    private static int Run(JsonObject experiment, string folder, bool outputGiven, bool noPng, bool rerunChanged, TextWriter output, CancellationToken cancellation,
        string? dataFolder)
    {
        var file = Path.Combine(folder, ExperimentFile);
        var (definition, runs) = ExperimentLoader.Expand(file, experiment, dataFolder);
        return RunCommand.RunExperiment(file, definition, runs, Path.GetDirectoryName(folder)!, noPng, rerunChanged, output, cancellation,
            hold: () => FolderLock.TryAcquire(folder, ".train.lock")
                        ?? throw new UsageException($"another workbench process is training into {folder}; wait for it to finish or choose another --output."),
            afterRuns: () => AtomicFile.WriteAllText(file, experiment.ToJsonString(ExperimentJson.Options) + "\n"),
            sharedFolder: outputGiven ? folder : null);
    }

    /// <summary>The model's klPenalty JSON for the chosen schedule.</summary>
    internal static JsonObject KlPenalty(string schedule, float beta, double warmup, int cycles, double ratio,
        float gamma, float maxCapacity, double ramp, float? freeBits)
    {
        if (schedule == "capacity")
        {
            if (freeBits is not null) throw new UsageException("--free-bits and --kl-schedule capacity are different KL penalties; choose one.");
            return new JsonObject { ["kind"] = "capacity", ["gamma"] = gamma, ["maxCapacity"] = maxCapacity, ["rampFraction"] = ramp };
        }
        JsonObject weight = schedule switch
        {
            "linear-warmup" => new JsonObject { ["kind"] = "linear-warmup", ["beta"] = beta, ["warmupFraction"] = warmup },
            "cyclical" => new JsonObject { ["kind"] = "cyclical", ["beta"] = beta, ["cycles"] = cycles, ["ratio"] = ratio },
            _ => new JsonObject { ["kind"] = "constant", ["beta"] = beta },
        };
        if (freeBits is { } lambda) return new JsonObject { ["kind"] = "free-bits", ["lambda"] = lambda, ["schedule"] = weight };
        return new JsonObject { ["kind"] = "weighted", ["schedule"] = weight };
    }

    private static Option<string> Choice(string name, string defaultValue, string description, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    /// <summary>The image datasets: every model <c>train</c> builds reads images.</summary>
    private static string[] DataSpecKnown() => DataSpec.Known.Except(DataSpec.Sentences).ToArray();
}
