using Workbench.Plotting;
using Workbench.Plotting.Charts;
using Workbench.Rendering;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

public class ChromiumFigureExporterTests
{
    private static Figure Bars(string title) =>
        VaeCharts.PerDimensionKl([new KlPerDimension("run", new[] { 1.0, 0.5, 0.01 })], title);

    [Fact]
    public void TrySavePng_NoChromium_ReturnsNoteAndWritesNothing()
    {
        using var directory = new TempDirectory();
        using var exporter = new ChromiumFigureExporter(new ChromiumOptions { ExecutablePath = directory.File("no-chromium") });

        var note = exporter.TrySavePng(Bars("a"), directory.File("a.png"), 400, 300);

        Assert.NotNull(note);
        Assert.Contains("PNG export skipped", note);
        Assert.False(File.Exists(directory.File("a.png")));
    }

    [ChromiumFact]
    public void TrySavePng_TwoFigures_WritesBothWithOneBrowser()
    {
        using var directory = new TempDirectory();
        using var exporter = new ChromiumFigureExporter();

        Assert.Null(exporter.TrySavePng(Bars("first"), directory.File("a.png"), 400, 300));
        Assert.Null(exporter.TrySavePng(Bars("second").WithSize(300, 200), directory.File("b.png"), 400, 300));

        var b = File.ReadAllBytes(directory.File("b.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, b[..4]);
        // The layout's own size wins over the requested one.
        Assert.Equal(300, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(16)));
        Assert.Equal(200, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(20)));
        Assert.True(new FileInfo(directory.File("a.png")).Length > 1000);
    }
}
