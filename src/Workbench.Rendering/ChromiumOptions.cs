namespace Workbench.Rendering;

/// <summary>How headless Chromium is started for figure export.</summary>
public sealed record ChromiumOptions
{
    /// <summary>The system Chromium; Playwright's own browser download is never used.</summary>
    public string ExecutablePath { get; init; } = "/usr/bin/chromium";

    /// <summary>Headless, no sandbox (containers), no GPU, and no background network traffic.</summary>
    public IReadOnlyList<string> Arguments { get; init; } =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Upper bound for launching, loading and drawing, in milliseconds.</summary>
    public float TimeoutMilliseconds { get; init; } = 60_000;

    public static ChromiumOptions Default { get; } = new();
}
