using System.Diagnostics;
using Workbench.Data.Text;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// Seconds per training epoch of the sequence VAE (Bowman et al. 2016; embedding 128, GRUs of 192, latent 32, word dropout
/// 0.25, Adam 1e-3, batch 64) on the training split of WordNet's definition sentences, beside the PyTorch 1.13 peer of the
/// same model (tests/reference/pytorch_sequence_vae.py) trained on the same batches in the same command. Both clip the
/// gradients' global norm at 5, as <see cref="Workbench.Training.Sequences.SequenceTrainingOptions"/> does by default.
/// </summary>
/// <remarks>
/// The peer is given the training sentences (token ids) once on its standard input, and before each of its epochs the
/// dataset indices of that epoch's batches, in order, from the same <see cref="SequenceLoader"/> our trainer reads: both
/// sides train on the same sentences in the same batches. Epochs alternate (ours, then each peer setting's, then ours, …;
/// never two at once), so a shared machine's drift over minutes hits both sides alike. The first epoch of each side is a
/// short warm-up (JIT, pooled buffers); <c>--batches N</c> times epochs of the training split's first N·64 sentences.
/// </remarks>
internal static class SequenceEpochBenchmark
{
    /// <summary>Target for our epoch time as a fraction of PyTorch's best thread setting in the same run.</summary>
    public const double RatioTarget = 0.8;

    /// <summary>Batches of the warm-up epoch of each side.</summary>
    public const int WarmUpBatches = 20;

    /// <param name="epochs">Timed epochs after the warm-up; the median is reported.</param>
    /// <param name="batches">Batches per timed epoch (null: the whole training split).</param>
    /// <param name="pyTorchBlasThreads">OpenBLAS thread counts of the peers (one OpenMP thread each); empty: no peer.</param>
    /// <param name="wordNetDirectory">Where the WordNet files are (null: /usr/share/wordnet).</param>
    public static int Run(int epochs, int? batches, IReadOnlyList<int> pyTorchBlasThreads, string? wordNetDirectory, TextWriter output)
    {
        var corpus = SequenceData.Load(directory: wordNetDirectory);
        var plan = SequenceEpochPlan.For(corpus.Train, batches);
        output.WriteLine($"Sequence VAE (embedding {SequenceEpochPlan.EmbeddingSize}, GRUs of {SequenceEpochPlan.HiddenSize}, latent {SequenceEpochPlan.LatentSize}, " +
                         $"word dropout {SequenceEpochPlan.WordDropout}, Adam 1e-3, batch {SequenceEpochPlan.BatchSize}) on {corpus.Source}'s training split: " +
                         $"{corpus.Train.Count:N0} sentences, {corpus.Train.TokenCount:N0} tokens, vocabulary {corpus.Vocabulary.Count:N0}.");
        bool whole = plan.Data.Count == corpus.Train.Count;
        output.WriteLine($"Timed: {epochs} epoch(s) of {plan.TimedBatches} batches ({plan.Data.Count:N0} sentences, {plan.Data.TokenCount:N0} tokens" +
                         $"{(whole ? ": the whole training split" : $": the first {plan.Data.Count:N0} of the training split's {corpus.Train.Count:N0} sentences, --batches")}), " +
                         $"after a warm-up epoch of {plan.WarmUpBatches} batches on each side.");
        output.WriteLine($"At the start: {MachineLoad.Describe()}.");

        var peers = new List<PeerSession>();
        try
        {
            foreach (int threads in pyTorchBlasThreads)
                if (PyTorchPeer.Start("pytorch_sequence_vae.py", [], threads, output, plan.WriteSentences) is { } peer) peers.Add(peer);
            var trainer = new SequenceEpochTrainer(plan);
            var ours = new List<double>();
            for (int epoch = 1; epoch <= epochs + 1; epoch++)
            {
                bool warmUp = epoch == 1;
                var (seconds, loss) = trainer.Epoch(epoch);
                if (!warmUp) ours.Add(seconds);
                output.WriteLine($"  Workbench epoch {epoch}{(warmUp ? " (warm-up)" : "")}: {seconds:F2} s, mean loss {loss:F2} nats/sentence");
                string request = plan.PeerRequest(epoch);
                foreach (var peer in peers)
                    if (peer.Epoch(request) is { } theirs)
                        output.WriteLine($"  {peer.Label} epoch {epoch}{(warmUp ? " (warm-up)" : "")}: {theirs:F2} s");
            }
            Report(ours, peers, epochs, output);
        }
        finally
        {
            foreach (var peer in peers) peer.Dispose();
        }
        return 0;
    }

    private static void Report(List<double> ours, List<PeerSession> peers, int epochs, TextWriter output)
    {
        output.WriteLine($"At the end: {MachineLoad.Describe(afterOwnWork: true)}.");
        output.WriteLine();
        output.WriteLine($"{"",-PeerComparison.LabelWidth}{"s/epoch",10}   (median of {epochs} after the warm-up)");
        output.WriteLine($"{"Workbench (C#)",-PeerComparison.LabelWidth}{PeerComparison.Median(ours),10:F2}");
        PeerComparison.Write(ours, peers, new Dictionary<string, double> { [PyTorchPeer.Name] = RatioTarget }, output);
    }
}
