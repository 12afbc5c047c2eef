namespace Workbench.Tensors;

/// <summary>
/// A region in which new tensors take their storage from a <see cref="BufferPool"/> and give it back
/// when the region ends. A training step run inside a scope allocates no per-step garbage
/// proportional to the batch: the same buffers are reused every step.
/// </summary>
/// <example>
/// <code>
/// using (var step = TensorScope.Begin(pool))
/// {
///     var loss = model.Loss(batch);   // intermediates are pooled
///     loss.Backward();                // parameter grads are not: parameters were created outside
///     lossValue = loss.Item();        // read what you need before the scope ends
/// }
/// </code>
/// </example>
/// <remarks>Scopes nest per thread. Tensors created inside a scope must not be used after it ends
/// (they throw <see cref="ObjectDisposedException"/>) unless kept with <see cref="Keep"/>.</remarks>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly TensorScope? _parent;
    private readonly BufferPool _pool;
    private readonly List<Tensor> _owned = new(256);
    private bool _disposed;

    private TensorScope(BufferPool pool, TensorScope? parent)
    {
        _pool = pool;
        _parent = parent;
    }

    /// <summary>The innermost active scope on this thread, or null.</summary>
    public static TensorScope? Current => _current;

    /// <summary>Starts a scope drawing from <paramref name="pool"/> (a shared default pool when null).</summary>
    public static TensorScope Begin(BufferPool? pool = null)
    {
        var scope = new TensorScope(pool ?? BufferPool.Shared, _current);
        _current = scope;
        return scope;
    }

    internal Tensor Allocate(int[] dims, int size)
    {
        var t = new Tensor(dims, _pool.Rent(size), this);
        _owned.Add(t);
        return t;
    }

    internal void Track(Tensor view) => _owned.Add(view);

    /// <summary>
    /// A scratch buffer of exactly <paramref name="length"/> floats for the duration of one op (its contents
    /// are unspecified), from the innermost scope's pool, or this thread's shared pool outside any scope.
    /// Give it back with <see cref="ReturnScratch"/> before the op returns.
    /// </summary>
    internal static float[] RentScratch(int length) => (_current?._pool ?? BufferPool.Shared).Rent(length);

    /// <summary>Gives back a buffer from <see cref="RentScratch"/>.</summary>
    internal static void ReturnScratch(float[] buffer) => (_current?._pool ?? BufferPool.Shared).Return(buffer);

    /// <summary>
    /// Lets <paramref name="tensor"/> outlive this scope: it moves to the enclosing scope, or to the
    /// garbage collector when there is none. Returns the same tensor.
    /// </summary>
    public Tensor Keep(Tensor tensor)
    {
        if (tensor.Owner != this) return tensor;
        if (tensor.IsView) return Keep(tensor.Clone());  // a view's storage goes back with its base
        tensor.Owner = _parent;
        _parent?._owned.Add(tensor);
        // Keeping is rare; the entry left in _owned is skipped on dispose because Owner changed.
        return tensor;
    }

    /// <summary>Returns every buffer this scope handed out and restores the enclosing scope.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_current != this)
            throw new InvalidOperationException("TensorScopes must end in the reverse order they began, on the thread that began them.");
        _current = _parent;
        foreach (var t in _owned)
        {
            if (t.Owner != this) continue;
            var storage = t.ReleaseStorage();
            if (storage is not null && !t.IsView) _pool.Return(storage);
        }
        _owned.Clear();
    }
}

/// <summary>
/// Exact-length buffer pool: shapes repeat from step to step, so buckets keyed by length give
/// perfect reuse without rounding waste. Not thread-safe; one per training loop (or the per-thread
/// <see cref="Shared"/> pool).
/// </summary>
public sealed class BufferPool
{
    [ThreadStatic] private static BufferPool? _shared;
    private readonly Dictionary<int, Stack<float[]>> _buckets = new();

    /// <summary>A pool private to the calling thread.</summary>
    public static BufferPool Shared => _shared ??= new BufferPool();

    /// <summary>Number of buffers currently held for reuse.</summary>
    public int Count { get; private set; }

    /// <summary>A buffer of exactly <paramref name="length"/> floats; its contents are unspecified.</summary>
    public float[] Rent(int length)
    {
        if (length == 0) return [];
        if (_buckets.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            Count--;
            return stack.Pop();
        }
        return GC.AllocateUninitializedArray<float>(length);
    }

    /// <summary>Gives a buffer back for reuse.</summary>
    public void Return(float[] buffer)
    {
        if (buffer.Length == 0) return;
        if (!_buckets.TryGetValue(buffer.Length, out var stack))
            _buckets[buffer.Length] = stack = new Stack<float[]>();
        stack.Push(buffer);
        Count++;
    }

    /// <summary>Drops every held buffer.</summary>
    public void Clear()
    {
        _buckets.Clear();
        Count = 0;
    }
}
