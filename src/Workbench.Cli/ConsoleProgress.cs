using System.Globalization;

namespace Workbench.Cli;

/// <summary>
/// A one-line percentage on stderr for long evaluations ("IWAE k=5000: 42%"), redrawn in place;
/// silent when stderr is redirected (logs, tests), where carriage returns would only add noise.
/// </summary>
internal sealed class ConsoleProgress(string label) : IProgress<double>, IDisposable
{
    private readonly bool _show = !Console.IsErrorRedirected;
    private int _lastPercent = -1;

    public void Report(double value)
    {
        if (!_show) return;
        int percent = (int)Math.Clamp(Math.Round(value * 100), 0, 100);
        if (percent == _lastPercent) return;
        _lastPercent = percent;
        Console.Error.Write($"\r{label}: {percent.ToString(CultureInfo.InvariantCulture)}%   ");
    }

    public void Dispose()
    {
        if (_show && _lastPercent >= 0) Console.Error.WriteLine();
    }
}
