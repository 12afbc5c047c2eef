namespace Workbench.Rendering;

/// <summary>Outcome of a PNG export: the PNG bytes, or why it was skipped (e.g. no Chromium installed).</summary>
public sealed record PngRenderResult(byte[]? Png, string? Note)
{
    /// <summary>True when <see cref="Png"/> holds an image.</summary>
    public bool Rendered => Png is not null;

    public static PngRenderResult Skipped(string note) => new(null, note);

    public override string ToString() => Rendered ? $"PNG, {Png!.Length} bytes" : $"PNG skipped: {Note}";
}
