namespace Workbench.Tensors;

/// <summary>
/// The random stream a forward pass draws from (dropout masks, say), set for a region of code on the
/// current thread, as <see cref="GradMode"/> sets gradient recording. The <c>Trainer</c> sets it for every
/// step to its per-epoch noise generator, the one it already draws ε from and saves in mid-epoch
/// checkpoints: a run with dropout is therefore reproducible (same seed and thread count, same bits) and
/// resumes exactly. A model without random layers draws nothing from it, so its numbers are those it
/// had before this stream existed.
/// </summary>
/// <remarks>
/// There is no default stream: a layer that needs randomness in training mode and finds none set throws
/// (see <see cref="Require"/>), rather than drawing numbers no seed controls. Outside a trainer, either put
/// the model in evaluation mode (<c>model.Eval()</c>: no randomness is drawn) or hand it a stream:
/// <code>using (ForwardRandom.Use(new Rng(seed))) { var output = model.Forward(batch); }</code>
/// The stream is per thread: work handed to other threads (<see cref="ParallelParts"/>) does not see it.
/// </remarks>
public static class ForwardRandom
{
    [ThreadStatic] private static Rng? _current;

    /// <summary>The stream forward passes on this thread draw from, or null when none is set.</summary>
    public static Rng? Current => _current;

    /// <summary>Makes <paramref name="rng"/> the current stream until the returned handle is disposed (which restores the previous one).</summary>
    public static Scope Use(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var previous = _current;
        _current = rng;
        return new Scope(previous);
    }

    /// <summary>
    /// The current stream, for <paramref name="drawer"/> (e.g. "Dropout(p=0.1)"), which needs randomness; throws
    /// <see cref="InvalidOperationException"/> saying how to provide one when none is set.
    /// </summary>
    public static Rng Require(string drawer) => _current ?? throw new InvalidOperationException(
        $"{drawer} in training mode draws random numbers from ForwardRandom.Current, and no stream is set on this thread. " +
        "Put the model in evaluation mode (model.Eval()) to run it without randomness, or give it a seeded stream: " +
        "using (ForwardRandom.Use(new Rng(seed))) { … }. The Trainer sets one for every step.");

    /// <summary>Ends a <see cref="Use"/> region, restoring the stream that was current before it.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Rng? _previous;

        internal Scope(Rng? previous) => _previous = previous;

        /// <inheritdoc/>
        public void Dispose() => _current = _previous;
    }
}
