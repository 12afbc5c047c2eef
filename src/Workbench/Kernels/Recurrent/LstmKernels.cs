using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>
/// The elementwise part of one LSTM time step (PyTorch's gate equations, gate order i, f, g, o), a batch row
/// at a time, forward and backward; the matrix products around it are GEMMs run by the caller. Rows are
/// addressed with <see cref="RowSet"/> as in <see cref="GruKernels"/>.
/// </summary>
internal static class LstmKernels
{
    /// <summary>
    /// One step. Per valid row (t &lt; length), with a = W_ih x + b_ih + W_hh h_prev + b_hh:
    /// i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c = f ⊙ c_prev + i ⊙ g, h = o ⊙ tanh(c).
    /// i, f, g, o overwrite the input gates (saved for backward), tanh(c) is saved in <paramref name="tanhCell"/>.
    /// A row past its length keeps its states and outputs zeros.
    /// </summary>
    /// <param name="inputGates">(B·T, 4H): this step's rows hold W_ih x_t + b_ih.</param>
    /// <param name="hiddenGates">(B, 4H) contiguous: W_hh h_prev + b_hh.</param>
    public static void Forward(int batch, int hidden, int step, ReadOnlySpan<int> lengths,
        Span<float> inputGates, ReadOnlySpan<float> hiddenGates, Span<float> tanhCell, RowSet rows,
        ReadOnlySpan<float> prevHidden, ReadOnlySpan<float> prevCell, RowSet prevRows,
        Span<float> nextHidden, Span<float> nextCell, RowSet nextRows, Span<float> output)
    {
        int h = hidden;
        for (int b = 0; b < batch; b++)
        {
            var hPrev = prevHidden.Slice(prevRows.Row(b) * h, h);
            var cPrev = prevCell.Slice(prevRows.Row(b) * h, h);
            var hNext = nextHidden.Slice(nextRows.Row(b) * h, h);
            var cNext = nextCell.Slice(nextRows.Row(b) * h, h);
            var outRow = output.Slice(rows.Row(b) * h, h);
            if (!lengths.IsEmpty && step >= lengths[b])
            {
                hPrev.CopyTo(hNext);
                cPrev.CopyTo(cNext);
                outRow.Clear();
                continue;
            }
            var a = inputGates.Slice(rows.Row(b) * 4 * h, 4 * h);
            TensorPrimitives.Add(a, hiddenGates.Slice(b * 4 * h, 4 * h), a);
            TensorPrimitives.Sigmoid(a[..(2 * h)], a[..(2 * h)]);
            var i = a[..h];
            var f = a.Slice(h, h);
            var g = a.Slice(2 * h, h);
            var o = a.Slice(3 * h, h);
            TensorPrimitives.Tanh(g, g);
            TensorPrimitives.Sigmoid(o, o);
            TensorPrimitives.Multiply(f, cPrev, cNext);
            TensorPrimitives.FusedMultiplyAdd(i, g, cNext, cNext);
            var tc = tanhCell.Slice(rows.Row(b) * h, h);
            TensorPrimitives.Tanh(cNext, tc);
            TensorPrimitives.Multiply(o, tc, hNext);
            hNext.CopyTo(outRow);
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/> for one step. Per valid row, with dh = carry_h + dY_t and
    /// dc = carry_c + dh ⊙ o ⊙ (1 − tanh²c): dâ = [dc ⊙ g ⊙ i(1 − i), dc ⊙ c_prev ⊙ f(1 − f), dc ⊙ i ⊙ (1 − g²),
    /// dh ⊙ tanh c ⊙ o(1 − o)] (the same for the input and the hidden product), carry_c becomes dc ⊙ f and carry_h 0
    /// (the caller then adds dâ·W_hh). Rows past their length get zero gate gradients and keep their carries.
    /// </summary>
    public static void Backward(int batch, int hidden, int step, ReadOnlySpan<int> lengths,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhCell, RowSet rows,
        ReadOnlySpan<float> prevCell, RowSet prevRows, ReadOnlySpan<float> outputGrad,
        Span<float> carryHidden, Span<float> carryCell, Span<float> gateGrad)
    {
        int h = hidden;
        for (int b = 0; b < batch; b++)
        {
            var dA = gateGrad.Slice(rows.Row(b) * 4 * h, 4 * h);
            if (!lengths.IsEmpty && step >= lengths[b])
            {
                dA.Clear();
                continue;
            }
            BackwardRow(h, gates.Slice(rows.Row(b) * 4 * h, 4 * h), tanhCell.Slice(rows.Row(b) * h, h),
                prevCell.Slice(prevRows.Row(b) * h, h), outputGrad.Slice(rows.Row(b) * h, h),
                carryHidden.Slice(b * h, h), carryCell.Slice(b * h, h), dA);
        }
    }

    private static void BackwardRow(int h, ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> prevCell,
        ReadOnlySpan<float> outputGrad, Span<float> carryHidden, Span<float> carryCell, Span<float> dA)
    {
        ref float gi = ref MemoryMarshal.GetReference(gates);
        ref float gf = ref Unsafe.Add(ref gi, h);
        ref float gg = ref Unsafe.Add(ref gi, 2 * h);
        ref float go = ref Unsafe.Add(ref gi, 3 * h);
        ref float tc = ref MemoryMarshal.GetReference(tanhCell);
        ref float cp = ref MemoryMarshal.GetReference(prevCell);
        ref float dy = ref MemoryMarshal.GetReference(outputGrad);
        ref float ch = ref MemoryMarshal.GetReference(carryHidden);
        ref float cc = ref MemoryMarshal.GetReference(carryCell);
        ref float di = ref MemoryMarshal.GetReference(dA);
        ref float df = ref Unsafe.Add(ref di, h);
        ref float dg = ref Unsafe.Add(ref di, 2 * h);
        ref float dO = ref Unsafe.Add(ref di, 3 * h);
        var one = Vector256<float>.One;
        int k = 0;
        for (; k <= h - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            nuint x = (nuint)k;
            var i = Vector256.LoadUnsafe(ref gi, x);
            var f = Vector256.LoadUnsafe(ref gf, x);
            var g = Vector256.LoadUnsafe(ref gg, x);
            var o = Vector256.LoadUnsafe(ref go, x);
            var t = Vector256.LoadUnsafe(ref tc, x);
            var dh = Vector256.LoadUnsafe(ref ch, x) + Vector256.LoadUnsafe(ref dy, x);
            var dc = Vector256.LoadUnsafe(ref cc, x) + dh * o * (one - t * t);
            (dc * g * i * (one - i)).StoreUnsafe(ref di, x);
            (dc * Vector256.LoadUnsafe(ref cp, x) * f * (one - f)).StoreUnsafe(ref df, x);
            (dc * i * (one - g * g)).StoreUnsafe(ref dg, x);
            (dh * t * o * (one - o)).StoreUnsafe(ref dO, x);
            (dc * f).StoreUnsafe(ref cc, x);
            Vector256<float>.Zero.StoreUnsafe(ref ch, x);
        }
        for (; k < h; k++)
        {
            float i = gates[k], f = gates[h + k], g = gates[2 * h + k], o = gates[3 * h + k], t = tanhCell[k];
            float dh = carryHidden[k] + outputGrad[k];
            float dc = carryCell[k] + dh * o * (1f - t * t);
            dA[k] = dc * g * i * (1f - i);
            dA[h + k] = dc * prevCell[k] * f * (1f - f);
            dA[2 * h + k] = dc * i * (1f - g * g);
            dA[3 * h + k] = dh * t * o * (1f - o);
            carryCell[k] = dc * f;
            carryHidden[k] = 0f;
        }
    }
}
