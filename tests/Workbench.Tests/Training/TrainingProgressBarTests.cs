using System.Text;
using System.Text.RegularExpressions;
using Spectre.Console;
using Workbench.Training;

namespace Workbench.Tests.Training;

/// <summary>
/// The console bar drawn into a Spectre console forced interactive over a string writer, as a terminal
/// would show it: epoch lines appear while the bar is live, and the bar's times and counter are labelled.
/// </summary>
public sealed class TrainingProgressBarTests
{
    [Fact]
    public void Live_EpochDone_PrintsTheEpochLineWhileTheBarIsShowing()
    {
        var output = new LockedWriter();
        var console = InteractiveConsole(output);
        using (var bar = new TrainingProgressBar.Live(console, totalSteps: 40, startStep: 0, epochs: 4))
        {
            for (int step = 1; step <= 10; step++) bar.Report(new BatchMetrics(1, step, 10, step, 150.5, 120.25, 30.25, 1));
            bar.EpochDone(Epoch(1, 10));
            var beforeEnd = Plain(output.Text);
            Assert.Contains("epoch 1: train loss 150.50", beforeEnd);

            // The bar itself is redrawn by Spectre's refresh thread (every 100 ms): wait for a frame after the line.
            var frame = WaitFor(output, text => Regex.IsMatch(text[text.IndexOf("epoch 1: train loss", StringComparison.Ordinal)..], "step 10/40"));
            var afterLine = frame[frame.IndexOf("epoch 1: train loss", StringComparison.Ordinal)..];
            Assert.Contains("step 10/40  25%", afterLine);
            Assert.Contains("epoch 1/4  loss 150.50", afterLine);
            Assert.Matches(@"elapsed \d+:\d\d  remaining (\d+:\d\d|–)", afterLine);

            for (int step = 11; step <= 20; step++) bar.Report(new BatchMetrics(2, step - 10, 10, step, 140, 115, 25, 1));
            bar.EpochDone(Epoch(2, 20));
            Assert.Contains("epoch 2: train loss", Plain(output.Text));
        }
        var final = Plain(output.Text);
        // Each epoch line is printed once, in order, and the finished bar is left on screen.
        Assert.Single(Regex.Matches(final, "epoch 1: train loss"));
        Assert.True(final.IndexOf("epoch 1: train loss", StringComparison.Ordinal) < final.IndexOf("epoch 2: train loss", StringComparison.Ordinal));
        Assert.Contains("step 20/40  50%", final[final.LastIndexOf("epoch 2: train loss", StringComparison.Ordinal)..]);
    }

    [Theory]
    [InlineData(0, 4690, "step 0/4690  0%")]
    [InlineData(1200, 4690, "step 1200/4690  25%")]
    [InlineData(4689, 4690, "step 4689/4690  99%")]
    [InlineData(4690, 4690, "step 4690/4690  100%")]
    public void Steps_CounterAndPercentage_AreInTheSameUnit(long step, long total, string expected) =>
        Assert.Equal(expected, ProgressText.Steps(step, total));

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(7.9, "0:07")]
    [InlineData(750, "12:30")]
    [InlineData(3723, "1:02:03")]
    public void Duration_IsMinutesAndSeconds_OrHoursAboveAnHour(double seconds, string expected) =>
        Assert.Equal(expected, ProgressText.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Times_LabelsElapsedAndRemaining() =>
        Assert.Equal("elapsed 0:12  remaining 0:40", ProgressText.Times(TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(40)));

    private static EpochMetrics Epoch(int epoch, long step) => new()
    {
        Epoch = epoch, Step = step, TrainLoss = 150.5, TrainReconstruction = 120.25, TrainKl = 30.25, KlWeight = 1,
        TestLoss = 148, TestReconstruction = 119, TestKl = 29, KlPerDimension = [1f], Seconds = 0.5,
    };

    private static IAnsiConsole InteractiveConsole(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 160;
        return console;
    }

    private static string WaitFor(LockedWriter output, Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var text = Plain(output.Text);
            if (condition(text)) return text;
            Assert.True(DateTime.UtcNow < deadline, "The bar was not redrawn within 10 s; output so far:\n" + text);
            Thread.Sleep(20);
        }
    }

    /// <summary>The text without ANSI escape sequences (cursor moves, erasures).</summary>
    private static string Plain(string text) => Regex.Replace(text, @"\x1b\[[0-9;?]*[A-Za-z]", "");

    /// <summary>A writer Spectre's refresh thread and the test can share.</summary>
    private sealed class LockedWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) { lock (_text) _text.Append(value); }
        public override void Write(string? value) { lock (_text) _text.Append(value); }
        public string Text { get { lock (_text) return _text.ToString(); } }
    }
}
