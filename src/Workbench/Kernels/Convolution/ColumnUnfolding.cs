namespace Workbench.Kernels;

/// <summary>
/// A convolution's unrolling as a column matrix, so that one driver runs every convolution as GEMMs: a group
/// of images (count, C, …) becomes the matrix (<see cref="PatchSize"/>, count·<see cref="Positions"/>), and
/// <see cref="FoldBatch"/> is its adjoint. Implemented by a struct per geometry, so the driver's generic
/// code is compiled for each one and costs no call through an interface.
/// </summary>
internal interface IColumnUnfolding
{
    /// <summary>Rows of the column matrix: one per (input channel, kernel tap).</summary>
    int PatchSize { get; }

    /// <summary>Window positions of one image: columns of one image's block, pixels of one output plane.</summary>
    int Positions { get; }

    /// <summary>Elements of one input image.</summary>
    int ImageSize { get; }

    /// <summary>Writes the column matrix (PatchSize, count·Positions) of <paramref name="count"/> images.</summary>
    void UnfoldBatch(ReadOnlySpan<float> images, int count, Span<float> columns);

    /// <summary>Adds the column matrix back onto the images it was read from (written, not added, unless <paramref name="accumulate"/>).</summary>
    void FoldBatch(ReadOnlySpan<float> columns, int count, Span<float> images, bool accumulate);

    /// <summary>
    /// Packs the transposed column matrix (count·Positions, PatchSize) of <paramref name="count"/> images straight into
    /// a GEMM operand, with the panels <c>packed.Pack(transB: true, …)</c> of <see cref="UnfoldBatch"/>'s matrix would
    /// hold; false, with nothing done, where this unrolling has no such form.
    /// </summary>
    bool TryPackTransposed(ReadOnlySpan<float> images, int count, Gemm.PackedMatrix packed);
}

/// <summary>The 2-D unrolling of <see cref="Im2Col"/> as an <see cref="IColumnUnfolding"/>.</summary>
internal readonly struct Unfolding2d(ConvGeometry geometry) : IColumnUnfolding
{
    public ConvGeometry Geometry => geometry;
    public int PatchSize => geometry.PatchSize;
    public int Positions => geometry.Positions;
    public int ImageSize => geometry.ImageSize;

    public void UnfoldBatch(ReadOnlySpan<float> images, int count, Span<float> columns) => Im2Col.UnfoldBatch(geometry, images, count, columns);

    public void FoldBatch(ReadOnlySpan<float> columns, int count, Span<float> images, bool accumulate) =>
        Im2Col.FoldBatch(geometry, columns, count, images, default, accumulate);

    public bool TryPackTransposed(ReadOnlySpan<float> images, int count, Gemm.PackedMatrix packed)
    {
        if (!Im2Col.PacksPatches(geometry)) return false;
        Im2Col.PackPatches(geometry, images, count, packed);
        return true;
    }
}
