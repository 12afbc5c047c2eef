namespace Workbench.Kernels;

/// <summary>
/// Three grow-only scratch buffers per thread for work that runs on the kernel worker threads (a convolution's
/// group of images), where the step's buffer pool, which belongs to the calling thread, cannot be used. A
/// thread reuses its buffers from part to part and layer to layer, so they stay in its cache and, after the
/// first steps, nothing is allocated.
/// </summary>
internal static class ThreadScratch
{
    [ThreadStatic] private static float[]? second, third;
    [ThreadStatic] private static Gemm.PackedMatrix? panels;

    /// <summary>
    /// This thread's first buffer, at least <paramref name="length"/> floats (contents unspecified): the storage of
    /// <see cref="Panels"/>, so a group's columns and the panels packed in their place share cache lines.
    /// </summary>
    public static Span<float> First(int length) => Panels().AsScratch(length);

    /// <summary>This thread's second buffer, distinct from <see cref="First"/>.</summary>
    public static Span<float> Second(int length) => Get(ref second, length);

    /// <summary>This thread's third buffer, distinct from the other two.</summary>
    public static Span<float> Third(int length) => Get(ref third, length);

    /// <summary>
    /// This thread's packed GEMM operand (a convolution's columns packed straight from its images). Its storage is
    /// <see cref="First"/>'s: packing into it overwrites that buffer, and taking that buffer overwrites the panels.
    /// </summary>
    public static Gemm.PackedMatrix Panels() => panels ??= new Gemm.PackedMatrix();

    private static Span<float> Get(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<float>(length);
        return buffer.AsSpan(0, length);
    }
}
