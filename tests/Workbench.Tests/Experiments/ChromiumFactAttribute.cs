using Workbench.Rendering;

namespace Workbench.Tests.Experiments;

/// <summary>A test that needs the system Chromium: skipped, saying why, when it is not installed (tests/run.sh installs it).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumOptions.Default.ExecutablePath))
            Skip = $"Chromium not found at {ChromiumOptions.Default.ExecutablePath}; install it (tests/run.sh does) to run browser tests.";
    }
}
