using System.Diagnostics;
using System.Globalization;
using Workbench.Training;

namespace Workbench.Cli;

/// <summary>
/// A one-line percentage with labelled times on stderr for long evaluations
/// ("IWAE k=5000: 42%  elapsed 0:12  remaining 0:16"), redrawn in place when the percentage changes;
/// silent when stderr is redirected (logs, tests), where carriage returns would only add noise.
/// </summary>
internal sealed class ConsoleProgress : IProgress<double>, IDisposable
{
    private readonly string _label;
    private readonly TextWriter? _output;
    private readonly Func<TimeSpan> _clock;
    private int _lastPercent = -1;

    public ConsoleProgress(string label) : this(label, Console.IsErrorRedirected ? null : Console.Error, null) { }

    /// <param name="output">Where the line goes; null shows nothing.</param>
    /// <param name="clock">Time since an arbitrary origin; a stopwatch started here by default.</param>
    internal ConsoleProgress(string label, TextWriter? output, Func<TimeSpan>? clock)
    {
        _label = label;
        _output = output;
        if (clock is null)
        {
            var stopwatch = Stopwatch.StartNew();
            clock = () => stopwatch.Elapsed;
        }
        var start = clock();
        _clock = () => clock() - start;
    }

    /// <summary>Reports the fraction done, 0..1.</summary>
    public void Report(double value)
    {
        if (_output is null) return;
        int percent = (int)Math.Clamp(Math.Floor(value * 100), 0, 100);
        if (percent == _lastPercent) return;
        _lastPercent = percent;
        var elapsed = _clock();
        TimeSpan? remaining = value > 0 ? elapsed * ((1 - Math.Min(value, 1)) / value) : null;
        _output.Write($"\r{_label}: {percent.ToString(CultureInfo.InvariantCulture)}%  {ProgressText.Times(elapsed, remaining)}   ");
    }

    public void Dispose()
    {
        if (_output is not null && _lastPercent >= 0) _output.WriteLine();
    }
}
