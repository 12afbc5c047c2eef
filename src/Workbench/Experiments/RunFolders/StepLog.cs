using System.Globalization;
using System.Text;
using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.IO;
using Workbench.Training;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// Training metrics of one logged point: the mean over the optimizer steps since the previous point.
/// Loss terms in nats per image, as the trainer reports them (the KL weight of each step applied to the loss).
/// </summary>
public sealed record StepMetrics
{
    /// <summary>The optimizer step the point ends at (1-based, counted over the whole run).</summary>
    public required long Step { get; init; }
    public required int Epoch { get; init; }
    public required double Loss { get; init; }
    public required double Reconstruction { get; init; }
    public required double Kl { get; init; }
    /// <summary>The KL weight at <see cref="Step"/>.</summary>
    public required double KlWeight { get; init; }
    /// <summary>Capacity annealing's target C at <see cref="Step"/>, nats; null for other penalties.</summary>
    public double? KlTarget { get; init; }
    public required double LearningRate { get; init; }
    /// <summary>Wall-clock seconds of training so far in this process.</summary>
    public required double Seconds { get; init; }
}

/// <summary>
/// Logs training metrics every few optimizer steps, about <see cref="PointsPerEpoch"/> points an epoch,
/// so schedules that change within an epoch (cyclical KL weights, capacity ramps) show as curves;
/// the run folder keeps them as <c>steps.jsonl</c> and <c>steps.csv</c>.
/// </summary>
/// <param name="klTarget">The capacity target at a 1-based step, or null where the penalty has none.</param>
/// <param name="learningRate">The optimizer's current learning rate.</param>
public sealed class StepLog(int pointsPerEpoch, Func<long, long, double?> klTarget, Func<double> learningRate)
{
    public const string JsonlFile = "steps.jsonl", CsvFile = "steps.csv";

    private readonly List<StepMetrics> _points = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private double _loss, _reconstruction, _kl;
    private int _steps;

    public int PointsPerEpoch { get; } = pointsPerEpoch > 0 ? pointsPerEpoch : throw new ArgumentOutOfRangeException(nameof(pointsPerEpoch), "at least 1");

    public IReadOnlyList<StepMetrics> Points => _points;

    /// <summary>Raised for every logged point.</summary>
    public event Action<StepMetrics>? PointLogged;

    /// <summary>Keeps the points of an earlier, interrupted part of the run (those before the first step it sees next).</summary>
    public void Continue(IEnumerable<StepMetrics> earlier) => _points.AddRange(earlier);

    /// <summary>Steps between two points for an epoch of <paramref name="batchesPerEpoch"/> steps.</summary>
    public int Interval(int batchesPerEpoch) => Math.Max(1, (int)Math.Round((double)batchesPerEpoch / PointsPerEpoch));

    /// <summary>Adds one optimizer step; logs a point every <see cref="Interval"/> steps and at the end of each epoch.</summary>
    public void Add(BatchMetrics batch)
    {
        // A resumed run repeats nothing: drop points at or after the step it resumes from.
        if (_steps == 0 && _points.Count > 0 && _points[^1].Step >= batch.Step) _points.RemoveAll(p => p.Step >= batch.Step);
        _loss += batch.Loss;
        _reconstruction += batch.Reconstruction;
        _kl += batch.Kl;
        _steps++;
        if (batch.Batch % Interval(batch.BatchesPerEpoch) != 0 && batch.Batch != batch.BatchesPerEpoch) return;
        var point = new StepMetrics
        {
            Step = batch.Step, Epoch = batch.Epoch,
            Loss = _loss / _steps, Reconstruction = _reconstruction / _steps, Kl = _kl / _steps,
            KlWeight = batch.KlWeight, KlTarget = klTarget(batch.Step, (long)batch.BatchesPerEpoch),
            LearningRate = learningRate(), Seconds = _clock.Elapsed.TotalSeconds,
        };
        _loss = _reconstruction = _kl = 0;
        _steps = 0;
        _points.Add(point);
        PointLogged?.Invoke(point);
    }

    /// <summary>Rewrites steps.jsonl and steps.csv in <paramref name="folder"/> with every point so far, atomically.</summary>
    public void Write(string folder)
    {
        var jsonl = new StringBuilder();
        foreach (var point in _points) jsonl.AppendLine(JsonSerializer.Serialize(point, Line));
        AtomicFile.WriteAllText(Path.Combine(folder, JsonlFile), jsonl.ToString());
        AtomicFile.WriteAllText(Path.Combine(folder, CsvFile), Csv(_points));
    }

    /// <summary>The points in a run folder's steps.jsonl; empty when it has none.</summary>
    /// <exception cref="InvalidDataException">A line is not a step record.</exception>
    public static IReadOnlyList<StepMetrics> Read(string folder)
    {
        var path = Path.Combine(folder, JsonlFile);
        if (!File.Exists(path)) return [];
        var points = new List<StepMetrics>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                points.Add(JsonSerializer.Deserialize<StepMetrics>(line, Line) ?? throw new InvalidDataException($"{path}:{lineNumber}: empty line."));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a step record ({e.Message})", e);
            }
        }
        return points;
    }

    internal static string Csv(IReadOnlyList<StepMetrics> points)
    {
        static string F(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        var csv = new StringBuilder("step,epoch,loss,reconstruction,kl,kl_weight,kl_target,learning_rate,seconds\n");
        foreach (var p in points)
            csv.Append(p.Step).Append(',').Append(p.Epoch).Append(',')
               .AppendJoin(',', F(p.Loss), F(p.Reconstruction), F(p.Kl), F(p.KlWeight), F(p.KlTarget), F(p.LearningRate), F(p.Seconds)).Append('\n');
        return csv.ToString();
    }

    private static readonly JsonSerializerOptions Line = new(ExperimentJson.Options) { WriteIndented = false };
}
