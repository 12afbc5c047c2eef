using Workbench.Cli;

namespace Workbench.Tests.Cli;

public sealed class ConsoleProgressTests
{
    [Fact]
    public void Report_NewPercentage_RedrawsTheLineWithLabelledTimes()
    {
        var output = new StringWriter();
        var now = TimeSpan.Zero;
        using (var progress = new ConsoleProgress("IWAE k=5000", output, () => now))
        {
            now = TimeSpan.FromSeconds(12);
            progress.Report(0.42);
            now = TimeSpan.FromSeconds(12.5);
            progress.Report(0.424); // same whole percent: not redrawn
        }
        // 12 s for 42 %: the other 58 % take about 16.6 s.
        Assert.Equal("\rIWAE k=5000: 42%  elapsed 0:12  remaining 0:16   " + Environment.NewLine, output.ToString());
    }
}
