namespace Workbench.Kernels;

/// <summary>
/// NumPy broadcasting reduced to loops over contiguous runs. Dimensions are aligned from the right;
/// a size-1 (or missing) dimension of an operand repeats with stride 0. Adjacent dimensions that
/// repeat the same way are merged, so the common cases collapse to one or two loops: same shape
/// (one run), a bias row over a batch (rows × one run), a per-row scale (rows × scalar).
/// </summary>
internal sealed class BroadcastPlan
{
    /// <summary>Output dimensions after merging; the last is the contiguous run.</summary>
    public readonly int[] Dims;
    /// <summary>Per merged dimension, the element stride of A and of B (0 where broadcast).</summary>
    public readonly int[] StridesA, StridesB;
    public readonly int[] OutputShape;
    public readonly int OutputSize;

    public BroadcastPlan(int[] shapeA, int[] shapeB)
    {
        int rank = Math.Max(shapeA.Length, shapeB.Length);
        var outShape = new int[rank];
        var a = new int[rank];
        var b = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - shapeA.Length) >= 0 ? shapeA[i - (rank - shapeA.Length)] : 1;
            int db = i - (rank - shapeB.Length) >= 0 ? shapeB[i - (rank - shapeB.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"Shapes ({string.Join(", ", shapeA)}) and ({string.Join(", ", shapeB)}) cannot be broadcast together: dimension {i} is {da} vs {db}.");
            outShape[i] = Math.Max(da, db);
            a[i] = da;
            b[i] = db;
        }
        OutputShape = outShape;
        long size = 1;
        foreach (int d in outShape) size *= d;
        OutputSize = (int)size;

        // Row-major strides with 0 for broadcast dimensions, then merge neighbours with matching
        // broadcast pattern (both contiguous-continuing or both repeating).
        var dims = new List<int>();
        var sa = new List<int>();
        var sb = new List<int>();
        int strideA = 1, strideB = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            if (outShape[i] == 1) continue;
            int ca = a[i] == 1 ? 0 : strideA;
            int cb = b[i] == 1 ? 0 : strideB;
            int last = dims.Count - 1;
            if (last >= 0 && Mergeable(sa[last], dims[last], ca) && Mergeable(sb[last], dims[last], cb))
            {
                dims[last] *= outShape[i];
            }
            else
            {
                dims.Add(outShape[i]);
                sa.Add(ca);
                sb.Add(cb);
            }
            strideA *= a[i];
            strideB *= b[i];
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            sa.Add(1);
            sb.Add(1);
        }
        dims.Reverse();
        sa.Reverse();
        sb.Reverse();
        Dims = dims.ToArray();
        StridesA = sa.ToArray();
        StridesB = sb.ToArray();
    }

    // Inner merged dim has stride `inner` and extent `extent`; an outer dim with stride `outer`
    // continues it if both repeat (0, 0) or the outer stride equals inner stride × extent.
    private static bool Mergeable(int inner, int extent, int outer) =>
        (inner == 0 && outer == 0) || (inner != 0 && outer == inner * extent);

    /// <summary>Length of the innermost contiguous run.</summary>
    public int RunLength => Dims[^1];

    /// <summary>Whether A (resp. B) advances within a run (stride 1) or repeats one value (stride 0).</summary>
    public bool RunAdvancesA => StridesA[^1] != 0;
    public bool RunAdvancesB => StridesB[^1] != 0;

    /// <summary>Calls <paramref name="run"/> with (output offset, A offset, B offset) for each contiguous run.</summary>
    public void ForEachRun<TState>(ref TState state, RunAction<TState> run) where TState : allows ref struct
    {
        if (OutputSize == 0) return;
        int outer = Dims.Length - 1;
        int runLength = RunLength;
        if (outer == 0)
        {
            run(ref state, 0, 0, 0);
            return;
        }
        Span<int> index = stackalloc int[outer];
        int offsetA = 0, offsetB = 0, offsetOut = 0;
        while (true)
        {
            run(ref state, offsetOut, offsetA, offsetB);
            offsetOut += runLength;
            int d = outer - 1;
            while (d >= 0)
            {
                index[d]++;
                offsetA += StridesA[d];
                offsetB += StridesB[d];
                if (index[d] < Dims[d]) break;
                offsetA -= StridesA[d] * Dims[d];
                offsetB -= StridesB[d] * Dims[d];
                index[d] = 0;
                d--;
            }
            if (d < 0) return;
        }
    }

    public delegate void RunAction<TState>(ref TState state, int offsetOut, int offsetA, int offsetB) where TState : allows ref struct;

    // Shapes repeat every training step: keep recent plans so a step builds none (no allocation).
    [ThreadStatic] private static List<(int[] A, int[] B, BroadcastPlan Plan)>? _recent;

    public static BroadcastPlan For(int[] shapeA, int[] shapeB)
    {
        _recent ??= new(64);
        foreach (var (a, b, plan) in _recent)
            if (a.AsSpan().SequenceEqual(shapeA) && b.AsSpan().SequenceEqual(shapeB)) return plan;
        var created = new BroadcastPlan(shapeA, shapeB);
        if (_recent.Count == 64) _recent.RemoveAt(0);
        _recent.Add(((int[])shapeA.Clone(), (int[])shapeB.Clone(), created));
        return created;
    }
}
