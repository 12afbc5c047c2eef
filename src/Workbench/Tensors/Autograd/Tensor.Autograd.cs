using System.Numerics.Tensors;

namespace Workbench.Tensors;

/// <summary>A backward rule: given the gradient of the loss with respect to an op's output,
/// accumulate the gradients of its inputs (into <see cref="Tensor.GradAccumulator"/>).</summary>
internal delegate void BackwardRule(Tensor outputGrad);

public sealed partial class Tensor
{
    /// <summary>
    /// Computes the gradient of this tensor with respect to every leaf that requires grad, and adds it
    /// to their <see cref="Grad"/> (gradients accumulate, as in PyTorch: zero them between steps).
    /// </summary>
    /// <remarks>
    /// Only leaves accumulate across calls. The gradient an intermediate tensor receives belongs to one
    /// call: every call starts the intermediates it reaches from zero, so a second loss backpropagated
    /// through a shared subgraph, or the same loss backpropagated twice, never sees what an earlier call
    /// left there. A graph may be backpropagated more than once (as PyTorch's <c>retain_graph=True</c>):
    /// backward rules only read what their forward saved, and the saved tensors live until their
    /// <see cref="TensorScope"/> ends. After the call an intermediate's <see cref="Grad"/> holds this
    /// call's gradient (PyTorch keeps it only after <c>retain_grad()</c>).
    /// </remarks>
    /// <param name="gradient">dLoss/dThis; may be omitted for a one-element tensor (taken as 1).</param>
    public void Backward(Tensor? gradient = null)
    {
        if (!RequiresGrad)
            throw new InvalidOperationException("Backward() called on a tensor that does not require grad: no input on its path has RequiresGrad set (or it was computed under GradMode.NoGrad()).");
        if (gradient is null)
        {
            if (Size != 1) throw new InvalidOperationException($"Backward() without a gradient needs a one-element tensor, got shape {ShapeText(Dims)}.");
        }
        else
        {
            RequireSameShape(this, gradient, "Backward gradient");
        }

        var order = TopologicalOrder();
        foreach (var node in order)
            if (!node.IsLeaf) node.ZeroGrad(); // this call's gradients only (see remarks)

        if (gradient is null) GradAccumulator()[0] += 1f;
        else TensorPrimitives.Add(GradAccumulator(), gradient.Span, GradAccumulator());

        for (int i = order.Count - 1; i >= 0; i--)
        {
            var node = order[i];
            // A node no rule reached in this call has a logically zero gradient: nothing to pass on.
            if (node.Backward_ is not null && node._grad is not null && !node._gradIsStale) node.Backward_(node._grad);
        }
    }

    /// <summary>Nodes reachable from this one, each after all of its inputs (iterative: graphs can be deep).</summary>
    private List<Tensor> TopologicalOrder()
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Node, int NextParent)>();
        stack.Push((this, 0));
        visited.Add(this);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            var parents = node.Parents;
            if (parents is not null && next < parents.Length)
            {
                stack.Push((node, next + 1));
                var parent = parents[next];
                if (parent.RequiresGrad && visited.Add(parent)) stack.Push((parent, 0));
            }
            else
            {
                order.Add(node);
            }
        }
        return order;
    }

    /// <summary>
    /// The gradient buffer to add into, created (zeroed) on first use. A leaf's gradient lives outside
    /// any scope, so parameters keep their <see cref="Grad"/> across steps; an intermediate's is pooled.
    /// </summary>
    internal Span<float> GradAccumulator()
    {
        EnsureGrad();
        return Grad!.Span; // clears a buffer that is still logically zero
    }

    /// <summary>
    /// Creates the gradient buffer if there is none. An intermediate's pooled buffer starts as logically
    /// zero without being cleared: the first backward rule to reach it may overwrite it (<see cref="GradForUpdate"/>).
    /// </summary>
    private void EnsureGrad()
    {
        if (_grad is not null) return;
        if (IsLeaf)
        {
            _grad = new Tensor((int[])Dims.Clone(), new float[Size], null);
        }
        else
        {
            _grad = Uninitialized((int[])Dims.Clone());
            _gradIsStale = true;
        }
    }

    /// <summary>Sets the accumulated gradient to zero (keeps the buffer).</summary>
    /// <remarks>
    /// The clearing is deferred: the buffer is only marked, and is cleared when the gradient is next read
    /// or added into, unless a backward rule overwrites it first (<see cref="GradForUpdate"/>: the
    /// weight-gradient GEMM then runs with β = 0 and no separate pass over the buffer is needed).
    /// </remarks>
    public void ZeroGrad()
    {
        if (_grad is not null) _gradIsStale = true;
    }

    private void ClearStaleGrad()
    {
        _grad!.Span.Clear();
        _gradIsStale = false;
    }

    /// <summary>
    /// The gradient buffer (created if needed) for a rule that can either add into it or overwrite it, with
    /// the weight of its current contents: β = 0 when the gradient is logically zero (new, or after
    /// <see cref="ZeroGrad"/>: write the contribution, do not read the buffer), else β = 1 (add into it).
    /// </summary>
    internal (float[] Storage, float Beta) GradForUpdate()
    {
        EnsureGrad();
        if (_gradIsStale)
        {
            _gradIsStale = false;
            return (_grad!.Storage, 0f);
        }
        return (GradStorage(), 1f);
    }

    /// <summary>True when an op on these inputs must record its backward rule.</summary>
    internal static bool Tracks(Tensor a) => a.RequiresGrad && GradMode.IsEnabled;

    internal static bool Tracks(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && GradMode.IsEnabled;

    internal static bool Tracks(ReadOnlySpan<Tensor> inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Records that this tensor was produced by <paramref name="op"/> from <paramref name="inputs"/>.</summary>
    internal Tensor Record(string op, Tensor[] inputs, BackwardRule backward)
    {
        OpName = op;
        Parents = inputs;
        Backward_ = backward;
        RequiresGrad = true;
        return this;
    }
}
