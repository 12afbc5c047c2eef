using System.Numerics.Tensors;

namespace Workbench.Tensors;

/// <summary>
/// A dense, row-major float32 tensor with reverse-mode autograd.
/// </summary>
/// <remarks>
/// Storage is one exact-length <c>float[]</c>. Inside a <see cref="TensorScope"/> the storage of every
/// tensor created is rented from the scope's pool and handed back when the scope ends, so a training
/// step that runs in a scope reuses the same buffers step after step. Ops live in partial files, one
/// folder per family (<c>Autograd/</c>, <c>Elementwise/</c>, <c>Shape/</c>, <c>Reductions/</c>,
/// <c>Layers/</c>, <c>Recurrent/</c>, <c>Losses/</c>); each writes its forward result and, right beside
/// it, its backward rule.
/// </remarks>
public sealed partial class Tensor
{
    private float[]? _storage;
    internal readonly int[] Dims;

    /// <summary>The scope whose pool owns this tensor's storage, or null for GC-owned storage.</summary>
    internal TensorScope? Owner;

    // Autograd: the op that produced this tensor (null for a leaf) and its inputs.
    internal Tensor[]? Parents;
    internal BackwardRule? Backward_;
    internal string? OpName;

    internal Tensor(int[] dims, float[] storage, TensorScope? owner)
    {
        Dims = dims;
        _storage = storage;
        Owner = owner;
        Size = storage.Length;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => Dims;

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => Dims.Length;

    /// <summary>Number of elements.</summary>
    public int Size { get; }

    /// <summary>An optional name, shown when printed and used by modules for parameters.</summary>
    public string? Name { get; set; }

    /// <summary>Whether gradients flow to this tensor. Set it on leaves (parameters, inputs).</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The accumulated gradient, same shape as this tensor; null until a backward pass reaches it.</summary>
    public Tensor? Grad
    {
        get
        {
            if (_gradIsStale) ClearStaleGrad();
            return _grad;
        }
        internal set
        {
            _grad = value;
            _gradIsStale = false;
        }
    }

    private Tensor? _grad;
    private bool _gradIsStale; // ZeroGrad was deferred: _grad's contents are logically zero (see Tensor.Autograd.cs)

    /// <summary>True for tensors not produced by a recorded op (parameters, inputs, constants).</summary>
    public bool IsLeaf => Backward_ is null;

    /// <summary>The elements in row-major order. Throws once the owning scope has ended.</summary>
    public Span<float> Span => Storage.AsSpan();

    internal float[] Storage =>
        _storage ?? throw new ObjectDisposedException(nameof(Tensor),
            $"This tensor{(Name is null ? "" : $" '{Name}'")} of shape {ShapeText(Dims)} belonged to a TensorScope that has ended; " +
            "call scope.Keep(t) or t.Clone() inside the scope to use it afterwards.");

    internal bool IsDisposed => _storage is null;

    /// <summary>Size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int Dim(int axis) => Dims[NormalizeAxis(axis, Rank)];

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Size != 1) throw new InvalidOperationException($"Item() needs a one-element tensor, got shape {ShapeText(Dims)}.");
        return Storage[0];
    }

    /// <summary>A copy of the elements.</summary>
    public float[] ToArray() => Span.ToArray();

    // ---- creation -------------------------------------------------------------------------------

    /// <summary>A tensor whose storage is uninitialised (pooled buffers hold old values). Internal: ops overwrite it.</summary>
    internal static Tensor Uninitialized(int[] dims)
    {
        int size = CheckedSize(dims);
        var scope = TensorScope.Current;
        return scope is null ? new Tensor(dims, new float[size], null) : scope.Allocate(dims, size);
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        var t = Uninitialized((int[])shape.Clone());
        if (t.Owner is not null) t.Storage.AsSpan().Clear();
        return t;
    }

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Uninitialized((int[])shape.Clone());
        t.Storage.AsSpan().Fill(value);
        return t;
    }

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A zero tensor of the same shape.</summary>
    public static Tensor ZerosLike(Tensor t) => Zeros(t.Dims);

    /// <summary>A one-element tensor of rank 0.</summary>
    public static Tensor Scalar(float value) => Full(value);

    /// <summary>One-hot rows for <paramref name="labels"/>: (B, <paramref name="classes"/>) with a single 1 per row.</summary>
    public static Tensor OneHot(ReadOnlySpan<int> labels, int classes)
    {
        if (classes <= 0) throw new ArgumentOutOfRangeException(nameof(classes), "must be positive");
        var result = Zeros(labels.Length, classes); // (B, classes)
        var s = result.Span;
        for (int b = 0; b < labels.Length; b++)
        {
            if ((uint)labels[b] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), $"Label {labels[b]} at position {b} is outside 0..{classes - 1}.");
            s[b * classes + labels[b]] = 1f;
        }
        return result;
    }

    /// <summary>A tensor holding a copy of <paramref name="values"/> with the given shape.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values, params int[] shape)
    {
        if (shape.Length == 0 && values.Length != 1) shape = [values.Length];
        int size = CheckedSize(shape);
        if (size != values.Length)
            throw new ArgumentException($"{values.Length} values cannot fill shape {ShapeText(shape)} ({size} elements).");
        var t = Uninitialized((int[])shape.Clone());
        values.CopyTo(t.Storage);
        return t;
    }

    /// <summary>A 1-D tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromArray(float[] values) => FromArray(values, values.Length);

    /// <summary>A 2-D tensor from a rectangular array.</summary>
    public static Tensor FromArray(float[,] values)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var t = Uninitialized([rows, cols]);
        var s = t.Storage;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                s[i * cols + j] = values[i, j];
        return t;
    }

    /// <summary>Samples from N(0, 1) drawn from <paramref name="rng"/>.</summary>
    public static Tensor Randn(Rng rng, params int[] shape)
    {
        var t = Uninitialized((int[])shape.Clone());
        rng.FillNormal(t.Storage);
        return t;
    }

    /// <summary>Samples from U[<paramref name="low"/>, <paramref name="high"/>) drawn from <paramref name="rng"/>.</summary>
    public static Tensor Uniform(Rng rng, float low, float high, params int[] shape)
    {
        var t = Uninitialized((int[])shape.Clone());
        rng.FillUniform(t.Storage, low, high);
        return t;
    }

    /// <summary>A copy with its own storage that does not track gradients (same scope rules as any new tensor).</summary>
    public Tensor Clone()
    {
        var t = Uninitialized((int[])Dims.Clone());
        Span.CopyTo(t.Storage);
        t.Name = Name;
        return t;
    }

    /// <summary>The same storage, cut from the graph: gradients do not flow through the result.</summary>
    public Tensor Detach() => View(Dims);

    /// <summary>A new tensor object over the same storage with another shape of equal size (no copy).</summary>
    internal Tensor View(int[] dims)
    {
        var view = new Tensor(dims, Storage, Owner) { Name = Name, IsView = true };
        Owner?.Track(view);
        return view;
    }

    /// <summary>True when the storage belongs to another tensor (a view); a scope does not return it twice.</summary>
    internal bool IsView { get; private init; }

    /// <summary>Copies <paramref name="source"/>'s values into this tensor in place (shapes must match; not recorded).</summary>
    public void CopyFrom(Tensor source)
    {
        RequireSameShape(this, source, nameof(CopyFrom));
        source.Span.CopyTo(Span);
    }

    /// <summary>Sets every element to <paramref name="value"/> in place (not recorded).</summary>
    public void Fill(float value) => Span.Fill(value);

    // ---- shape helpers --------------------------------------------------------------------------

    internal static int CheckedSize(ReadOnlySpan<int> dims)
    {
        long size = 1;
        foreach (int d in dims)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension in shape {ShapeText(dims)}.");
            size *= d;
            if (size > int.MaxValue) throw new ArgumentException($"Shape {ShapeText(dims)} has more than {int.MaxValue} elements.");
        }
        return (int)size;
    }

    internal static int NormalizeAxis(int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1))
            throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} is out of range for a tensor of rank {rank}.");
        return a;
    }

    internal static string ShapeText(ReadOnlySpan<int> dims) => "(" + string.Join(", ", dims.ToArray()) + ")";

    internal static void RequireSameShape(Tensor a, Tensor b, string op)
    {
        if (!a.Dims.AsSpan().SequenceEqual(b.Dims))
            throw new ArgumentException($"{op}: shapes {ShapeText(a.Dims)} and {ShapeText(b.Dims)} must match.");
    }

    internal void RequireRank(int rank, string op)
    {
        if (Rank != rank) throw new ArgumentException($"{op} needs a rank-{rank} tensor, got shape {ShapeText(Dims)}.");
    }
}

public sealed partial class Tensor
{
    /// <summary>Hands the storage back (scope end); the tensor is unusable afterwards.</summary>
    internal float[]? ReleaseStorage()
    {
        var s = _storage;
        _storage = null;
        Grad = null;
        Parents = null;
        Backward_ = null;
        return s;
    }
}
