using System.Globalization;
using System.Text;

namespace Workbench.Tensors;

// Printing: shape, gradient status and a preview of the values (first and last rows/columns).
public sealed partial class Tensor
{
    private const int PreviewEdge = 3;

    /// <summary>E.g. <c>Tensor (2, 3) requires_grad [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]</c>.</summary>
    public override string ToString()
    {
        if (IsDisposed) return $"Tensor {ShapeText(Dims)} (scope ended)";
        var sb = new StringBuilder();
        sb.Append("Tensor ");
        if (Name is not null) sb.Append('\'').Append(Name).Append("' ");
        sb.Append(ShapeText(Dims));
        if (RequiresGrad) sb.Append(OpName is null ? " requires_grad" : $" grad_fn={OpName}");
        sb.Append(' ');
        AppendValues(sb, 0, 0);
        return sb.ToString();
    }

    private void AppendValues(StringBuilder sb, int axis, int offset)
    {
        if (Rank == 0)
        {
            sb.Append(FormatValue(Storage[0]));
            return;
        }
        int extent = Dims[axis];
        int stride = 1;
        for (int d = axis + 1; d < Rank; d++) stride *= Dims[d];
        sb.Append('[');
        for (int i = 0; i < extent; i++)
        {
            if (extent > 2 * PreviewEdge && i == PreviewEdge)
            {
                sb.Append("…, ");
                i = extent - PreviewEdge;
            }
            if (axis == Rank - 1) sb.Append(FormatValue(Storage[offset + i]));
            else AppendValues(sb, axis + 1, offset + i * stride);
            if (i < extent - 1) sb.Append(", ");
        }
        sb.Append(']');
    }

    private static string FormatValue(float v) => v.ToString("G5", CultureInfo.InvariantCulture);
}
