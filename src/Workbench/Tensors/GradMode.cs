namespace Workbench.Tensors;

/// <summary>
/// Switches graph recording off for a region, like <c>torch.no_grad()</c>: ops inside produce tensors
/// that do not require grad, and record nothing. Use it for evaluation and optimizer updates.
/// </summary>
/// <example><code>using (GradMode.NoGrad()) { var output = model.Forward(x); }</code></example>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    /// <summary>Whether ops on this thread currently record the graph.</summary>
    public static bool IsEnabled => _disabledDepth == 0;

    /// <summary>Disables recording until the returned handle is disposed.</summary>
    public static NoGradScope NoGrad()
    {
        _disabledDepth++;
        return new NoGradScope();
    }

    /// <summary>Ends a <see cref="NoGrad"/> region.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => _disabledDepth--;
    }
}
