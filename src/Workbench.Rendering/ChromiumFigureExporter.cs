using Microsoft.Playwright;
using Workbench.IO;
using Workbench.Plotting;

namespace Workbench.Rendering;

/// <summary>
/// Writes figures as PNG through headless Chromium (see <see cref="FigurePng"/>), keeping one browser
/// for the exporter's lifetime: it starts on the first figure and closes on dispose, so the many
/// figures of an experiment pay for one browser launch. Never throws for a missing or failing
/// browser: <see cref="TrySavePng"/> returns a note and the caller carries on with HTML only.
/// Safe to call from several threads (figures are drawn one at a time).
/// </summary>
public sealed class ChromiumFigureExporter(ChromiumOptions? options = null) : IFigureImageExporter, IDisposable, IAsyncDisposable
{
    private readonly ChromiumOptions _options = options ?? ChromiumOptions.Default;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _unavailable;
    private bool _disposed;

    /// <summary>Pixel density of the PNGs (2 draws every figure at twice its layout size).</summary>
    public double Scale { get; init; } = 1;

    /// <inheritdoc/>
    public string? TrySavePng(Figure figure, string path, int width, int height) =>
        Task.Run(() => TrySavePngAsync(figure, path, width, height)).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="TrySavePng"/>: null when written, else why not.</summary>
    public async Task<string?> TrySavePngAsync(Figure figure, string path, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(figure);
        await _gate.WaitAsync();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var browser = await BrowserAsync();
            if (browser is null) return _unavailable;
            var png = await FigurePng.RenderOnAsync(browser, figure, width, height, Scale, _options);
            AtomicFile.WriteAllBytes(path, png);
            return null;
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or InvalidOperationException and not ObjectDisposedException)
        {
            return $"PNG {Path.GetFileName(path)} skipped: {e.Message.Split('\n')[0]}";
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The running browser, started on first use; null (with <see cref="_unavailable"/> set) when it cannot run here.</summary>
    private async Task<IBrowser?> BrowserAsync()
    {
        if (_browser is { IsConnected: true }) return _browser;
        if (_unavailable is not null) return null;
        if (FigurePng.Unavailable(_options) is { } note)
        {
            _unavailable = note;
            return null;
        }
        await CloseBrowserAsync(); // a browser that crashed is replaced
        try
        {
            (_playwright, _browser) = await FigurePng.LaunchAsync(_options);
            return _browser;
        }
        catch (PlaywrightException e)
        {
            _unavailable = FigurePng.CannotStart(_options, e);
            return null;
        }
    }

    private async Task CloseBrowserAsync()
    {
        if (_browser is not null)
        {
            try { await _browser.CloseAsync(); }
            catch (PlaywrightException) { }
            _browser = null;
        }
        _playwright?.Dispose();
        _playwright = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_disposed) return;
            _disposed = true;
            await CloseBrowserAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();
}
