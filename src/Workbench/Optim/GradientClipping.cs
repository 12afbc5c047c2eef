using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>Gradient clipping, as <c>torch.nn.utils.clip_grad_norm_</c> (Pascanu et al. 2013).</summary>
public static class GradientClipping
{
    /// <summary>
    /// Computes the L2 norm of all gradients taken together, ‖g‖ = √(Σ over parameters of Σ g²), and
    /// when it exceeds <paramref name="maxNorm"/> scales every gradient in place by
    /// maxNorm / (‖g‖ + 1e-6). Parameters without a gradient are skipped.
    /// </summary>
    /// <returns>The total norm before clipping (0 when no parameter has a gradient).</returns>
    public static float ClipByGlobalNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0f)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"maxNorm must be non-negative, got {maxNorm}.");
        var parameterList = parameters as IReadOnlyList<Tensor> ?? parameters.ToList();
        double sumOfSquares = 0;
        foreach (var p in parameterList)
            if (p.Grad is not null) sumOfSquares += OptimizerKernels.SumOfSquares(p.Grad.Span);
        float totalNorm = (float)Math.Sqrt(sumOfSquares);

        // PyTorch multiplies by min(1, coefficient); skipping the multiply when it is 1 is the same.
        // A non-finite norm gives a NaN coefficient, which (as in PyTorch) is applied.
        float coefficient = maxNorm / (totalNorm + 1e-6f);
        if (!(coefficient >= 1f))
            foreach (var p in parameterList)
                if (p.Grad is not null) OptimizerKernels.Scale(p.Grad.Span, coefficient);
        return totalNorm;
    }
}
