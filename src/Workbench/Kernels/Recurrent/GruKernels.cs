using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>
/// The elementwise part of one GRU time step (PyTorch's gate equations, gate order r, z, n), a batch row at a
/// time, forward and backward. The matrix products around it (x·W_ihᵀ for all steps at once, h·W_hhᵀ per
/// step, and the weight gradients) are GEMMs run by the caller.
/// </summary>
/// <remarks>
/// Rows are addressed by a start offset and a row stride, so the caller can keep the per-step rows of
/// batch-major (B, T, ·) buffers where they are: row b of step t sits at b·T + t.
/// </remarks>
internal static class GruKernels
{
    /// <summary>
    /// One step for the rows of the batch. Per valid row (t &lt; length):
    /// r = σ(gᵢ_r + gₕ_r), z = σ(gᵢ_z + gₕ_z), n = tanh(gᵢ_n + r ⊙ gₕ_n), h = (1 − z) ⊙ n + z ⊙ h_prev,
    /// with gᵢ = W_ih x + b_ih and gₕ = W_hh h_prev + b_hh. r, z, n overwrite gᵢ (saved for backward) and gₕ_n is
    /// saved in <paramref name="hiddenN"/>; h goes to <paramref name="next"/> and <paramref name="output"/>. A row past its
    /// length keeps its state (next = prev) and outputs zeros.
    /// </summary>
    /// <param name="inputGates">(B·T, 3H): this step's rows (<paramref name="rows"/>) hold W_ih x_t + b_ih.</param>
    /// <param name="hiddenGates">(B, 3H) contiguous: this step's W_hh h_prev + b_hh.</param>
    /// <param name="hiddenN">(B·T, H): gₕ_n saved at this step's rows.</param>
    /// <param name="output">(B·T, H): h at this step's rows, zeros past a row's length.</param>
    public static void Forward(int batch, int hidden, int step, ReadOnlySpan<int> lengths,
        Span<float> inputGates, ReadOnlySpan<float> hiddenGates, Span<float> hiddenN, RowSet rows,
        ReadOnlySpan<float> prev, RowSet prevRows, Span<float> next, RowSet nextRows, Span<float> output)
    {
        int h = hidden;
        for (int b = 0; b < batch; b++)
        {
            var hPrev = prev.Slice(prevRows.Row(b) * h, h);
            var hNext = next.Slice(nextRows.Row(b) * h, h);
            var outRow = output.Slice(rows.Row(b) * h, h);
            if (!lengths.IsEmpty && step >= lengths[b])
            {
                hPrev.CopyTo(hNext);
                outRow.Clear();
                continue;
            }
            var gi = inputGates.Slice(rows.Row(b) * 3 * h, 3 * h);
            var gh = hiddenGates.Slice(b * 3 * h, 3 * h);
            var rz = gi[..(2 * h)];
            TensorPrimitives.Add(rz, gh[..(2 * h)], rz);
            TensorPrimitives.Sigmoid(rz, rz);
            var r = gi[..h];
            var z = gi.Slice(h, h);
            var n = gi.Slice(2 * h, h);
            var ghN = gh.Slice(2 * h, h);
            ghN.CopyTo(hiddenN.Slice(rows.Row(b) * h, h));
            TensorPrimitives.FusedMultiplyAdd(r, ghN, n, n);
            TensorPrimitives.Tanh(n, n);
            // h = n + z ⊙ (h_prev − n)
            TensorPrimitives.Subtract(hPrev, n, hNext);
            TensorPrimitives.FusedMultiplyAdd(z, hNext, n, hNext);
            hNext.CopyTo(outRow);
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/> for one step. Per valid row, with dh = carry + dY_t:
    /// dn̂ = dh ⊙ (1 − z) ⊙ (1 − n²), dẑ = dh ⊙ (h_prev − n) ⊙ z(1 − z), dr̂ = dn̂ ⊙ gₕ_n ⊙ r(1 − r);
    /// dgᵢ = [dr̂, dẑ, dn̂], dgₕ = [dr̂, dẑ, dn̂ ⊙ r], and the carry becomes dh ⊙ z (the caller then adds dgₕ·W_hh).
    /// Rows past their length get zero gate gradients and keep their carry (their state passed through).
    /// </summary>
    public static void Backward(int batch, int hidden, int step, ReadOnlySpan<int> lengths,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenN, RowSet rows,
        ReadOnlySpan<float> prev, RowSet prevRows, ReadOnlySpan<float> outputGrad,
        Span<float> carry, Span<float> inputGateGrad, Span<float> hiddenGateGrad)
    {
        int h = hidden;
        for (int b = 0; b < batch; b++)
        {
            var dGi = inputGateGrad.Slice(rows.Row(b) * 3 * h, 3 * h);
            var dGh = hiddenGateGrad.Slice(rows.Row(b) * 3 * h, 3 * h);
            if (!lengths.IsEmpty && step >= lengths[b])
            {
                dGi.Clear();
                dGh.Clear();
                continue;
            }
            var g = gates.Slice(rows.Row(b) * 3 * h, 3 * h);
            BackwardRow(h, g, hiddenN.Slice(rows.Row(b) * h, h), prev.Slice(prevRows.Row(b) * h, h),
                outputGrad.Slice(rows.Row(b) * h, h), carry.Slice(b * h, h), dGi, dGh);
        }
    }

    private static void BackwardRow(int h, ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenN, ReadOnlySpan<float> prev,
        ReadOnlySpan<float> outputGrad, Span<float> carry, Span<float> dGi, Span<float> dGh)
    {
        ref float r = ref MemoryMarshal.GetReference(gates);
        ref float z = ref Unsafe.Add(ref r, h);
        ref float n = ref Unsafe.Add(ref r, 2 * h);
        ref float hn = ref MemoryMarshal.GetReference(hiddenN);
        ref float hp = ref MemoryMarshal.GetReference(prev);
        ref float dy = ref MemoryMarshal.GetReference(outputGrad);
        ref float c = ref MemoryMarshal.GetReference(carry);
        ref float dir = ref MemoryMarshal.GetReference(dGi);
        ref float diz = ref Unsafe.Add(ref dir, h);
        ref float din = ref Unsafe.Add(ref dir, 2 * h);
        ref float dhr = ref MemoryMarshal.GetReference(dGh);
        ref float dhz = ref Unsafe.Add(ref dhr, h);
        ref float dhn = ref Unsafe.Add(ref dhr, 2 * h);
        int i = 0;
        var one = Vector256<float>.One;
        for (; i <= h - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            nuint k = (nuint)i;
            var rv = Vector256.LoadUnsafe(ref r, k);
            var zv = Vector256.LoadUnsafe(ref z, k);
            var nv = Vector256.LoadUnsafe(ref n, k);
            var dh = Vector256.LoadUnsafe(ref c, k) + Vector256.LoadUnsafe(ref dy, k);
            var dnPre = dh * (one - zv) * (one - nv * nv);
            var dzPre = dh * (Vector256.LoadUnsafe(ref hp, k) - nv) * zv * (one - zv);
            var drPre = dnPre * Vector256.LoadUnsafe(ref hn, k) * rv * (one - rv);
            drPre.StoreUnsafe(ref dir, k);
            dzPre.StoreUnsafe(ref diz, k);
            dnPre.StoreUnsafe(ref din, k);
            drPre.StoreUnsafe(ref dhr, k);
            dzPre.StoreUnsafe(ref dhz, k);
            (dnPre * rv).StoreUnsafe(ref dhn, k);
            (dh * zv).StoreUnsafe(ref c, k);
        }
        for (; i < h; i++)
        {
            float rv = gates[i], zv = gates[h + i], nv = gates[2 * h + i];
            float dh = carry[i] + outputGrad[i];
            float dnPre = dh * (1f - zv) * (1f - nv * nv);
            float dzPre = dh * (prev[i] - nv) * zv * (1f - zv);
            float drPre = dnPre * hiddenN[i] * rv * (1f - rv);
            dGi[i] = drPre; dGi[h + i] = dzPre; dGi[2 * h + i] = dnPre;
            dGh[i] = drPre; dGh[h + i] = dzPre; dGh[2 * h + i] = dnPre * rv;
            carry[i] = dh * zv;
        }
    }
}

/// <summary>
/// Which row of a buffer of rows holds batch row b of one step: b·<see cref="Stride"/> + <see cref="First"/>. Step t of a
/// batch-major (B, T, ·) buffer is (t, T); a contiguous (B, ·) block is (0, 1).
/// </summary>
internal readonly record struct RowSet(int First, int Stride)
{
    public int Row(int b) => b * Stride + First;
}
