namespace Workbench.Cli.Benchmarks;

/// <summary>
/// The peers' rows of an epoch benchmark's table (median seconds per epoch after the warm-up) and, for each peer library
/// separately, the ratio of our median epoch to its best setting's, with the ratios epoch by epoch.
/// </summary>
internal static class PeerComparison
{
    /// <summary>Width of the table's first column: "libtorch 2.10 (TorchSharp 0.107, 2 threads)" fits.</summary>
    public const int LabelWidth = 46;

    /// <param name="ours">Our timed epochs' seconds, in order.</param>
    /// <param name="peers">The peers, each with one warm-up epoch and then one epoch after each of ours; one that failed on the way gets no row.</param>
    /// <param name="targets">Ratio targets by peer library (<see cref="PeerSession.Peer"/>); a library without one gets its ratio alone.</param>
    public static void Write(IReadOnlyList<double> ours, IReadOnlyList<PeerSession> peers, IReadOnlyDictionary<string, double> targets, TextWriter output)
    {
        var measured = peers.Where(p => p.Seconds.Count == ours.Count + 1).Select(p => (Peer: p, Timed: p.Seconds.Skip(1).ToArray())).ToList();
        foreach (var (peer, timed) in measured)
            output.WriteLine($"{peer.Label,-LabelWidth}{Median(timed),10:F2}");
        foreach (var library in measured.GroupBy(m => m.Peer.Peer))
        {
            var best = library.MinBy(m => Median(m.Timed));
            double ratio = Median(ours) / Median(best.Timed);
            string target = targets.TryGetValue(library.Key, out double t) ? $" (target ≤ {t:F2}: {(ratio <= t ? "met" : "not met")})" : "";
            output.WriteLine($"ratio Workbench / {library.Key}'s best ({best.Peer.Setting}): {ratio:F2}{target}");
            // Epoch e of each side ran within a minute of the other: their ratios show how much of the spread is the machine.
            output.WriteLine($"  epoch by epoch (each of ours against the peer's epoch right after it): {string.Join(", ", ours.Zip(best.Timed, (a, b) => $"{a / b:F2}"))}");
        }
    }

    /// <summary>The middle value (the upper one of an even count); NaN when there is none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
