using Workbench.Kernels;

namespace Workbench.Tensors;

// Layer normalisation (Ba, Kiros & Hinton 2016) and group normalisation (Wu & He 2018): statistics per sample (per
// sample and group of channels), so training and evaluation compute the same thing and no running statistics exist.
// Forward and backward each run row by row in order, so the results do not depend on the thread count.
public sealed partial class Tensor
{
    /// <summary>
    /// Layer normalisation as PyTorch's <c>F.layer_norm</c>: each sample's last dimensions
    /// <paramref name="normalizedShape"/> are normalised by their own mean and biased variance,
    /// y = (x − μ)/√(σ² + ε)·w + b, with w and b of shape <paramref name="normalizedShape"/> (null for 1 and 0).
    /// </summary>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        const string op = "LayerNorm";
        int k = normalizedShape.Length;
        if (k == 0 || input.Rank < k || !input.Dims.AsSpan(input.Rank - k).SequenceEqual(normalizedShape))
            throw new ArgumentException($"{op}: normalizedShape {ShapeText(normalizedShape)} must be the last dimensions of input {ShapeText(input.Dims)}.");
        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias") })
            if (t is not null && !t.Dims.AsSpan().SequenceEqual(normalizedShape))
                throw new ArgumentException($"{op}: {name} shape {ShapeText(t.Dims)} should be normalizedShape {ShapeText(normalizedShape)}.");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"{op}: eps must be ≥ 0, got {eps}.");
        int length = CheckedSize(normalizedShape), rows = length == 0 ? 0 : input.Size / length;
        if (length == 0) throw new ArgumentException($"{op}: normalizedShape {ShapeText(normalizedShape)} has no elements.");

        var y = Uninitialized((int[])input.Dims.Clone());
        var stats = Uninitialized([rows, 2]); // (mean, 1/σ) per row
        float[] x = input.Storage, output = y.Storage, st = stats.Storage;
        ReadOnlySpan<float> w = weight is null ? default : weight.Span, b = bias is null ? default : bias.Span;
        for (int r = 0; r < rows; r++)
        {
            var (mean, invStd) = RowNormKernels.Statistics(x, rows, length, r, eps);
            (st[2 * r], st[2 * r + 1]) = ((float)mean, (float)invStd);
            RowNormKernels.NormalizeRow(x.AsSpan(r * length, length), output.AsSpan(r * length, length), st[2 * r], st[2 * r + 1], w, b);
        }

        Tensor[] inputs = [input, .. new[] { weight, bias }.OfType<Tensor>()];
        if (!Tracks(inputs)) return y;
        return y.Record(op, inputs, g =>
        {
            var (dx, inputBeta) = input.RequiresGrad ? input.GradForUpdate() : ([], 0f);
            Span<float> dw = weight is not null && weight.RequiresGrad ? weight.GradAccumulator() : default;
            Span<float> db = bias is not null && bias.RequiresGrad ? bias.GradAccumulator() : default;
            float[] scratch = TensorScope.RentScratch(2 * length);
            try
            {
                for (int r = 0; r < rows; r++)
                    RowNormKernels.RowBackward(g.Storage.AsSpan(r * length, length), x.AsSpan(r * length, length),
                        dx.Length == 0 ? default : dx.AsSpan(r * length, length), inputBeta != 0f, st[2 * r], st[2 * r + 1],
                        weight is null ? default : weight.Span, dw, db, scratch);
            }
            finally
            {
                TensorScope.ReturnScratch(scratch);
            }
        });
    }

    /// <summary>
    /// Group normalisation as PyTorch's <c>F.group_norm</c>: the C channels of x (N, C, *) are split into
    /// <paramref name="groups"/> groups of C/G, each sample's group normalised by its own mean and biased variance,
    /// then y = x̂·w_c + b_c per channel (w, b of shape (C), null for 1 and 0).
    /// </summary>
    public static Tensor GroupNorm(Tensor input, int groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        const string op = "GroupNorm";
        if (input.Rank < 2) throw new ArgumentException($"{op}: input must be (N, C, *), got shape {ShapeText(input.Dims)}.");
        int batch = input.Dims[0], channels = input.Dims[1];
        if (groups < 1 || channels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), $"{op}: groups must divide the {channels} channels of input {ShapeText(input.Dims)}, got {groups}.");
        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias") })
            if (t is not null && (t.Rank != 1 || t.Dims[0] != channels))
                throw new ArgumentException($"{op}: {name} shape {ShapeText(t.Dims)} should be ({channels}).");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"{op}: eps must be ≥ 0, got {eps}.");
        int plane = batch * channels == 0 ? 0 : input.Size / (batch * channels), perGroup = channels / groups, length = perGroup * plane, rows = batch * groups;
        if (length == 0) return Uninitialized((int[])input.Dims.Clone());

        var y = Uninitialized((int[])input.Dims.Clone());
        var stats = Uninitialized([rows, 2]); // (mean, 1/σ) per (sample, group)
        float[] x = input.Storage, output = y.Storage, st = stats.Storage;
        float[]? w = weight?.Storage, b = bias?.Storage;
        for (int r = 0; r < rows; r++)
        {
            var (mean, invStd) = RowNormKernels.Statistics(x, rows, length, r, eps);
            (st[2 * r], st[2 * r + 1]) = ((float)mean, (float)invStd);
            for (int j = 0; j < perGroup; j++)
            {
                int c = r % groups * perGroup + j;
                BatchNormKernels.Normalize(x, output, 1, batch * channels, plane, r * perGroup + j, mean,
                    (w is null ? 1f : w[c]) * (float)invStd, b is null ? 0f : b[c], activate: false, slope: 0f);
            }
        }

        Tensor[] inputs = [input, .. new[] { weight, bias }.OfType<Tensor>()];
        if (!Tracks(inputs)) return y;
        return y.Record(op, inputs, g =>
        {
            var (dx, inputBeta) = input.RequiresGrad ? input.GradForUpdate() : ([], 0f);
            var dw = new double[weight is not null && weight.RequiresGrad ? channels : 0];
            var db = new double[bias is not null && bias.RequiresGrad ? channels : 0];
            var sums = new (double G, double Gx)[perGroup];
            float[] upstream = g.Storage;
            for (int r = 0; r < rows; r++)
            {
                float mean = st[2 * r], invStd = st[2 * r + 1];
                double sumH = 0, sumHx = 0; // Σ g·w and Σ g·w·(x − μ) over the group
                for (int j = 0; j < perGroup; j++)
                {
                    int c = r % groups * perGroup + j;
                    sums[j] = BatchNormKernels.GradientSums(upstream, default, x, 1, batch * channels, plane, r * perGroup + j, mean, activate: false, slope: 0f);
                    double wc = w is null ? 1 : w[c];
                    sumH += wc * sums[j].G;
                    sumHx += wc * sums[j].Gx;
                    if (dw.Length > 0) dw[c] += sums[j].Gx * invStd;
                    if (db.Length > 0) db[c] += sums[j].G;
                }
                if (dx.Length == 0) continue;
                // dx = invStd·(g·w_c − mean(g·w) − x̂·mean(g·w·x̂))
                float meanH = (float)(sumH / length), projection = (float)(sumHx / length * invStd * invStd);
                for (int j = 0; j < perGroup; j++)
                {
                    int c = r % groups * perGroup + j, start = (r * perGroup + j) * plane;
                    RowNormKernels.AffineCombination(upstream.AsSpan(start, plane), x.AsSpan(start, plane), dx.AsSpan(start, plane),
                        (w is null ? 1f : w[c]) * invStd, mean, -invStd * projection, -invStd * meanH, accumulate: inputBeta != 0f);
                }
            }
            if (dw.Length > 0) AddInto(weight!.GradAccumulator(), dw);
            if (db.Length > 0) AddInto(bias!.GradAccumulator(), db);
        });
    }

    private static void AddInto(Span<float> target, double[] values)
    {
        for (int i = 0; i < values.Length; i++) target[i] += (float)values[i];
    }
}
