using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Tests.Cli;
using Workbench.Tests.IO.TensorBoard;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>A two-run β sweep (4 steps an epoch, 2 epochs) run through <see cref="ExperimentRunner"/>.</summary>
public sealed class TinySweep : IDisposable
{
    private readonly TempDirectory _directory = new();

    public TinySweep()
    {
        var file = CliRunner.Write(_directory.Path, "sweep.json", """
            {
              "name": "sweep",
              "data": { "dataset": "fashion-mnist-subset", "trainLimit": 200, "testLimit": 50 },
              "model": { "variant": "beta-vae", "latentSize": 3, "hiddenSizes": [16] },
              "training": { "epochs": 2, "batchSize": 50 },
              "grid": { "model.beta": [0.5, 4] }
            }
            """);
        var runner = new ExperimentRunner(new RunnerOptions { ResultsRoot = _directory.File("results"), ShowProgress = false, Log = TextWriter.Null });
        Summaries = runner.Run(file);
        Folder = _directory.File(Path.Combine("results", "sweep"));
    }

    public IReadOnlyList<RunSummary> Summaries { get; }
    public string Folder { get; }

    public string Run(double beta) => Path.Combine(Folder, Summaries.Single(s => s.Beta == beta).Run);

    public void Dispose() => _directory.Dispose();
}

public class RunLogsTests(TinySweep sweep) : IClassFixture<TinySweep>
{
    private const int Delimited = 2, Fixed32 = 5, Fixed64 = 1, Varint = 0;

    private static List<WireMessage> Events(string run) =>
        Directory.GetFiles(Path.Combine(run, RunLogs.TensorBoardDirectory), "events.out.tfevents.*").SelectMany(EventFileReader.ReadAll).ToList();

    private static IEnumerable<(long Step, WireMessage Value)> Values(IEnumerable<WireMessage> events) =>
        from e in events
        where e.Has(5)
        from v in e.One(5, Delimited).Message.All(1)
        select ((long)(e.Has(2) ? e.One(2, Varint).Scalar : 0), v.Message);

    [Fact]
    public void Run_EachRun_WritesTensorBoardScalarsImagesAndHParams()
    {
        Assert.Equal(2, sweep.Summaries.Count);
        foreach (var beta in new[] { 0.5, 4 })
        {
            var events = Events(sweep.Run(beta)); // every record's CRCs checked
            Assert.Equal("brain.Event:2", events[0].One(3, Delimited).String);
            var values = Values(events).ToList();
            var tags = values.Select(v => v.Value.One(1, Delimited).String).ToHashSet();
            foreach (var tag in new[] { "train/loss", "train/reconstruction", "train/kl", "train/kl_weight", "train/learning_rate",
                         "epoch/train_loss", "epoch/test_negative_elbo", "epoch/test_kl", "kl_per_dimension/z0", "kl_per_dimension/z2",
                         "images/reconstructions", "images/samples", "final/test_negative_elbo",
                         "_hparams_/session_start_info", "_hparams_/session_end_info" })
                Assert.Contains(tag, tags);

            // 4 steps an epoch, one point a step: train/loss at steps 1..8; per-epoch values at steps 4 and 8.
            Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), values.Where(v => v.Value.One(1, Delimited).String == "train/loss").Select(v => v.Step));
            Assert.Equal([4L, 8L], values.Where(v => v.Value.One(1, Delimited).String == "epoch/test_negative_elbo").Select(v => v.Step));
            var finalElbo = values.Single(v => v.Value.One(1, Delimited).String == "final/test_negative_elbo").Value.One(2, Fixed32).Float;
            Assert.Equal((float)sweep.Summaries.Single(s => s.Beta == beta).TestNegativeElbo, finalElbo);

            var image = values.First(v => v.Value.One(1, Delimited).String == "images/samples").Value.One(4, Delimited).Message;
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image.One(4, Delimited).Bytes[..4]);

            var start = values.Single(v => v.Value.One(1, Delimited).String == "_hparams_/session_start_info").Value
                .One(9, Delimited).Message.One(1, Delimited).Message.One(2, Delimited).Message.One(3, Delimited).Message;
            var hparams = start.All(1).Select(f => f.Message).ToDictionary(e => e.One(1, Delimited).String, e => e.One(2, Delimited).Message);
            Assert.Equal(beta, hparams["model.beta"].One(2, Fixed64).Double);
            Assert.Equal("elbo", hparams["objective"].One(3, Delimited).String);
        }
    }

    [Fact]
    public void Run_EachRun_WritesStepLogWithEveryColumn()
    {
        var run = sweep.Run(4);
        var points = StepLog.Read(run);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), points.Select(p => p.Step));
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2], points.Select(p => p.Epoch));
        Assert.All(points, p =>
        {
            Assert.Equal(4.0, p.KlWeight);
            Assert.Equal(1e-3, p.LearningRate, 1e-9);
            Assert.Equal(p.Reconstruction + 4.0 * p.Kl, p.Loss, 1e-3);
            Assert.Null(p.KlTarget);
        });
        // The epoch's mean training loss is the mean of its four per-step points (equal batch sizes).
        var metrics = ReportRun.ReadMetrics(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(metrics[0].TrainLoss, points.Take(4).Average(p => p.Loss), 1e-3);

        var csv = File.ReadAllLines(Path.Combine(run, StepLog.CsvFile));
        Assert.Equal("step,epoch,loss,reconstruction,kl,kl_weight,kl_target,learning_rate,seconds", csv[0]);
        Assert.Equal(9, csv.Length);
    }

    [Fact]
    public void Interval_LongEpoch_GivesAboutFiftyPointsAnEpoch()
    {
        var log = new StepLog(50, (_, _) => null, () => 1e-3);
        Assert.Equal(1, log.Interval(30));
        Assert.Equal(10, log.Interval(500));
        int points = 0;
        for (int batch = 1; batch <= 469; batch++)
        {
            log.Add(new Workbench.Training.BatchMetrics(1, batch, 469, batch, 2.0 * batch, batch, 0.5, 1));
            points = log.Points.Count;
        }
        Assert.InRange(points, 45, 55);
        Assert.Equal(469L, log.Points[^1].Step); // the epoch's last step is always logged
        // Each point averages the steps since the previous one: steps 1..9 have mean loss 2·5.
        Assert.Equal(10.0, log.Points[0].Loss, 1e-12);
    }
}
