using System.Diagnostics;
using System.Text.Json;
using Workbench.Cli.Benchmarks;
using Workbench.Data.Text;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Cli;

/// <summary>
/// <c>bench epoch --architecture sequence</c> on a small WordNet-shaped corpus written to a temporary folder: the harness's
/// <c>--batches</c> path without PyTorch, the batches it hands the peer, and (when PyTorch is installed) the peer's reading of them.
/// </summary>
public class SequenceEpochBenchmarkTests
{
    private static readonly string[] Words = ["a", "small", "large", "animal", "plant", "of", "the", "genus", "having", "with", "red", "flowers", "or", "leaves", "tree"];

    /// <summary>WordNet data files of <paramref name="sentences"/> distinct random glosses of 3–12 words from a 15-word vocabulary.</summary>
    private static TempDirectory WordNetFolder(int sentences)
    {
        var folder = new TempDirectory();
        var rng = new Rng(4);
        var glosses = new HashSet<string>();
        while (glosses.Count < sentences)
            glosses.Add(string.Join(' ', Enumerable.Range(0, 3 + rng.NextInt(10)).Select(_ => Words[rng.NextInt(Words.Length)])));
        var lines = glosses.Select((g, i) => $"{i + 1:D8} 03 n 01 thing 0 000 | {g}").ToArray();
        int quarter = lines.Length / 4;
        for (int f = 0; f < WordNetDefinitions.FileNames.Count; f++)
            File.WriteAllLines(folder.File(WordNetDefinitions.FileNames[f]), lines.Skip(f * quarter).Take(f == 3 ? lines.Length : quarter));
        return folder;
    }

    [Fact]
    public void Run_BatchesWithoutPyTorch_TimesTheFirstBatchesOfTheTrainingSplit()
    {
        using var folder = WordNetFolder(600);
        var output = new StringWriter();
        int exit = SequenceEpochBenchmark.Run(epochs: 1, batches: 3, pyTorchBlasThreads: [], folder.Path, output);
        string text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("Timed: 1 epoch(s) of 3 batches (192 sentences", text);
        Assert.Contains("after a warm-up epoch of 3 batches", text); // the warm-up is at most the timed data
        Assert.Contains("Workbench epoch 1 (warm-up)", text);
        Assert.Contains("Workbench epoch 2:", text);
        Assert.DoesNotContain("ratio Workbench", text); // no peer, no ratio
    }

    [Fact]
    public void PeerRequest_EachEpoch_ListsTheTrainersBatchesInOrder()
    {
        using var folder = WordNetFolder(600);
        var train = SequenceData.Load(directory: folder.Path).Train;
        var plan = SequenceEpochPlan.For(train, batches: 5);
        Assert.Equal(5 * SequenceEpochPlan.BatchSize, plan.Data.Count);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            // What SequenceTrainer.TrainEpoch reads: a SequenceLoader over the epoch's data with the trainer's batch size and seed.
            var expected = new SequenceLoader(plan.DataOf(epoch), SequenceEpochPlan.BatchSize, SequenceEpochPlan.Seed).Epoch(epoch).ToList();
            var lines = plan.PeerRequest(epoch).Split('\n');
            Assert.Equal($"epoch {expected.Count}", lines[0]);
            Assert.Equal(expected.Select(b => string.Join(' ', b.Indices)), lines.Skip(1));
            Assert.Equal(expected.Sum(b => b.Lengths.Sum()), plan.TokenCount(epoch));
        }
        Assert.NotEqual(plan.PeerRequest(2), plan.PeerRequest(3)); // each epoch reshuffled
    }

    [Fact]
    public void WriteSentences_EverySentence_OneLineOfTokenIds()
    {
        using var folder = WordNetFolder(300);
        var plan = SequenceEpochPlan.For(SequenceData.Load(directory: folder.Path).Train, batches: null);
        var writer = new StringWriter();
        plan.WriteSentences(writer);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"sentences {plan.Data.Count} {plan.Data.Vocabulary.Count}", lines[0]);
        Assert.Equal(plan.Data.Count, lines.Length - 1);
        for (int i = 0; i < plan.Data.Count; i++)
            Assert.Equal(plan.Data.Sentence(i).ToArray(), lines[i + 1].Split(' ').Select(int.Parse));
    }

    [PyTorchFact]
    public void Peer_SameSentencesAndBatches_TrainsOnTheSameBatchesAndTokens()
    {
        using var folder = WordNetFolder(600);
        var plan = SequenceEpochPlan.For(SequenceData.Load(directory: folder.Path).Train, batches: 4);
        var output = new StringWriter();
        using var peer = PyTorchPeer.Start("pytorch_sequence_vae.py", ["--hidden", "8", "--embedding", "8", "--latent", "2"], 1, output, plan.WriteSentences);
        Assert.True(peer is not null, output.ToString());
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            var tokens = peer.Request(plan.PeerRequest(epoch), "tokens"); // the tokens of the batches it trained on
            Assert.True(tokens is not null, output.ToString());
            Assert.Equal(plan.TokenCount(epoch), tokens.Value.GetInt32());
        }
    }
}

/// <summary>A test that needs /usr/bin/python3 with PyTorch: skipped, saying why, when it is missing (tests/run.sh installs it).</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!File.Exists("/usr/bin/python3")) return "/usr/bin/python3 not found";
        try
        {
            using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import torch"]) { RedirectStandardError = true })!;
            python.WaitForExit(60_000);
            return python.ExitCode == 0 ? null : "PyTorch is not installed for /usr/bin/python3 (apt-get install python3-torch)";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    });

    public PyTorchFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}
