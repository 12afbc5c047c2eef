using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;
using static Workbench.Tests.NN.RecurrentOracle;

namespace Workbench.Tests.NN;

public class RecurrentTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Gru_TwoLayers_MatchesPyTorchOutputsStatesAndGradients(bool withLengths, bool evalMode)
    {
        string prefix = withLengths ? "gru.lengths" : "gru.full";
        var gru = new GRU(Input, Hidden, new Rng(1), numLayers: Layers);
        if (evalMode) gru.Eval();
        LoadParameters(gru, prefix);
        var x = Get($"{prefix}.x");
        var h0 = Get($"{prefix}.h0");
        x.RequiresGrad = h0.RequiresGrad = true;

        var result = gru.Forward(x, h0, withLengths ? Lengths : null);
        (Weighted(result.Output, $"{prefix}.r_out") + Weighted(result.HiddenState, $"{prefix}.r_h")).Backward();

        Assert.Equal(new[] { Batch, Steps, Hidden }, result.Output.Shape);
        Assert.Equal(new[] { Layers, Batch, Hidden }, result.HiddenState.Shape);
        Close.Assert(Get($"{prefix}.out").Span, result.Output.Span, 1e-5, 1e-6, "output");
        Close.Assert(Get($"{prefix}.h_n").Span, result.HiddenState.Span, 1e-5, 1e-6, "h_n");
        Close.Assert(Get($"{prefix}.grad.x").Span, x.Grad!.Span, 2e-4, 2e-5, "dx");
        Close.Assert(Get($"{prefix}.grad.h0").Span, h0.Grad!.Span, 2e-4, 2e-5, "dh0");
        AssertParameterGradients(gru, prefix);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Lstm_TwoLayers_MatchesPyTorchOutputsStatesAndGradients(bool withLengths, bool evalMode)
    {
        string prefix = withLengths ? "lstm.lengths" : "lstm.full";
        var lstm = new LSTM(Input, Hidden, new Rng(1), numLayers: Layers);
        if (evalMode) lstm.Eval();
        LoadParameters(lstm, prefix);
        var x = Get($"{prefix}.x");
        var h0 = Get($"{prefix}.h0");
        var c0 = Get($"{prefix}.c0");
        x.RequiresGrad = h0.RequiresGrad = c0.RequiresGrad = true;

        var result = lstm.Forward(x, new LstmState(h0, c0), withLengths ? Lengths : null);
        (Weighted(result.Output, $"{prefix}.r_out") + Weighted(result.HiddenState, $"{prefix}.r_h")
            + Weighted(result.CellState, $"{prefix}.r_c")).Backward();

        Close.Assert(Get($"{prefix}.out").Span, result.Output.Span, 1e-5, 1e-6, "output");
        Close.Assert(Get($"{prefix}.h_n").Span, result.HiddenState.Span, 1e-5, 1e-6, "h_n");
        Close.Assert(Get($"{prefix}.c_n").Span, result.CellState.Span, 1e-5, 1e-6, "c_n");
        Close.Assert(Get($"{prefix}.grad.x").Span, x.Grad!.Span, 2e-4, 2e-5, "dx");
        Close.Assert(Get($"{prefix}.grad.h0").Span, h0.Grad!.Span, 2e-4, 2e-5, "dh0");
        Close.Assert(Get($"{prefix}.grad.c0").Span, c0.Grad!.Span, 2e-4, 2e-5, "dc0");
        AssertParameterGradients(lstm, prefix);
    }

    [Fact]
    public void GruCell_OneStep_MatchesPyTorchValuesAndGradients()
    {
        var cell = new GRUCell(Input, Hidden, new Rng(1));
        LoadParameters(cell, "gru_cell");
        var x = Get("gru_cell.x");
        var h = Get("gru_cell.h");
        x.RequiresGrad = h.RequiresGrad = true;
        var h1 = cell.Forward(x, h);
        Weighted(h1, "gru_cell.r_h").Backward();
        Close.Assert(Get("gru_cell.h1").Span, h1.Span, 1e-5, 1e-6, "h′");
        Close.Assert(Get("gru_cell.grad.x").Span, x.Grad!.Span, 2e-4, 2e-5, "dx");
        Close.Assert(Get("gru_cell.grad.h").Span, h.Grad!.Span, 2e-4, 2e-5, "dh");
        AssertParameterGradients(cell, "gru_cell");
    }

    [Fact]
    public void LstmCell_OneStep_MatchesPyTorchValuesAndGradients()
    {
        var cell = new LSTMCell(Input, Hidden, new Rng(1));
        LoadParameters(cell, "lstm_cell");
        var x = Get("lstm_cell.x");
        var h = Get("lstm_cell.h");
        var c = Get("lstm_cell.c");
        x.RequiresGrad = h.RequiresGrad = c.RequiresGrad = true;
        var next = cell.Forward(x, new LstmState(h, c));
        (Weighted(next.Hidden, "lstm_cell.r_h") + Weighted(next.Cell, "lstm_cell.r_c")).Backward();
        Close.Assert(Get("lstm_cell.h1").Span, next.Hidden.Span, 1e-5, 1e-6, "h′");
        Close.Assert(Get("lstm_cell.c1").Span, next.Cell.Span, 1e-5, 1e-6, "c′");
        Close.Assert(Get("lstm_cell.grad.x").Span, x.Grad!.Span, 2e-4, 2e-5, "dx");
        Close.Assert(Get("lstm_cell.grad.h").Span, h.Grad!.Span, 2e-4, 2e-5, "dh");
        Close.Assert(Get("lstm_cell.grad.c").Span, c.Grad!.Span, 2e-4, 2e-5, "dc");
        AssertParameterGradients(cell, "lstm_cell");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gru_TinySizes_GradientsMatchFiniteDifferences(bool withLengths)
    {
        var weights = TinyWeights(gates: 3, seed: 20);
        var inputs = new List<Tensor> { GradCheck.Random(30, 2, 3, 2), GradCheck.Random(31, 2, 2, 3) };
        foreach (var w in weights) inputs.AddRange([w.WeightIh, w.WeightHh, w.BiasIh!, w.BiasHh!]);
        int[]? lengths = withLengths ? [3, 1] : null;
        GradCheck.AssertGradients(t =>
        {
            var result = Tensor.Gru(t[0], TinyLayers(t, 2), t[1], lengths);
            return Tensor.Concat([result.Output.Reshape(-1), result.HiddenState.Reshape(-1)], 0);
        }, [.. inputs]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lstm_TinySizes_GradientsMatchFiniteDifferences(bool withLengths)
    {
        var weights = TinyWeights(gates: 4, seed: 40);
        var inputs = new List<Tensor> { GradCheck.Random(50, 2, 3, 2), GradCheck.Random(51, 2, 2, 3), GradCheck.Random(52, 2, 2, 3) };
        foreach (var w in weights) inputs.AddRange([w.WeightIh, w.WeightHh, w.BiasIh!, w.BiasHh!]);
        int[]? lengths = withLengths ? [2, 3] : null;
        GradCheck.AssertGradients(t =>
        {
            var result = Tensor.Lstm(t[0], TinyLayers(t, 3), new LstmState(t[1], t[2]), lengths);
            return Tensor.Concat([result.Output.Reshape(-1), result.HiddenState.Reshape(-1), result.CellState.Reshape(-1)], 0);
        }, [.. inputs]);
    }

    /// <summary>Two layers of input 2, hidden 3: weights scaled to 0.5 so the gates stay away from saturation.</summary>
    private static RecurrentLayerWeights[] TinyWeights(int gates, ulong seed) =>
        [.. Enumerable.Range(0, 2).Select(l => new RecurrentLayerWeights(
            GradCheck.Random(seed + (ulong)(4 * l), gates * 3, l == 0 ? 2 : 3) * 0.5f,
            GradCheck.Random(seed + (ulong)(4 * l + 1), gates * 3, 3) * 0.5f,
            GradCheck.Random(seed + (ulong)(4 * l + 2), gates * 3) * 0.5f,
            GradCheck.Random(seed + (ulong)(4 * l + 3), gates * 3) * 0.5f))];

    private static RecurrentLayerWeights[] TinyLayers(Tensor[] t, int first) =>
        [.. Enumerable.Range(0, 2).Select(l => new RecurrentLayerWeights(t[first + 4 * l], t[first + 4 * l + 1], t[first + 4 * l + 2], t[first + 4 * l + 3]))];

    [Fact]
    public void Gru_Parameters_HavePyTorchNamesShapesAndInitialisationBounds()
    {
        var gru = new GRU(5, 4, new Rng(3), numLayers: 2);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"],
            gru.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { 12, 5 }, gru.Layers[0].WeightIh.Shape);
        Assert.Equal(new[] { 12, 4 }, gru.Layers[1].WeightIh.Shape);
        Assert.Equal(new[] { 16, 3 }, new LSTM(3, 4, new Rng(3)).Layers[0].WeightIh.Shape);
        Assert.Equal(["weight_ih", "weight_hh"], new LSTMCell(3, 4, new Rng(3), bias: false).NamedParameters().Select(p => p.Name));
        float bound = 1f / MathF.Sqrt(4);
        var all = gru.Parameters().SelectMany(p => p.ToArray()).ToArray();
        Assert.All(all, v => Assert.InRange(v, -bound, bound));
        Assert.True(all.Max() > 0.8f * bound && all.Min() < -0.8f * bound, "U(−1/√H, 1/√H) should reach near both bounds");
        Assert.Equal("GRU(5, 4, num_layers=2, batch_first=True)", gru.ToString());
    }

    [Fact]
    public void Gru_WithoutBias_MatchesZeroBiases()
    {
        var withBias = new GRU(3, 4, new Rng(5));
        var without = new GRU(3, 4, new Rng(6), bias: false);
        without.Layers[0].WeightIh.CopyFrom(withBias.Layers[0].WeightIh);
        without.Layers[0].WeightHh.CopyFrom(withBias.Layers[0].WeightHh);
        withBias.Layers[0].BiasIh!.Fill(0f);
        withBias.Layers[0].BiasHh!.Fill(0f);
        var x = GradCheck.Random(7, 2, 4, 3);
        Close.Assert(withBias.Forward(x).Output.Span, without.Forward(x).Output.Span, 1e-6, 1e-7, "output");
    }

    [Fact]
    public void Gru_BackwardTwice_AccumulatesGradientsAndZeroGradRestarts()
    {
        var gru = new GRU(3, 4, new Rng(8));
        var x = GradCheck.Random(9, 2, 5, 3);
        gru.Forward(x).HiddenState.Sum().Backward();
        var once = gru.Layers[0].WeightHh.Grad!.ToArray();
        gru.Forward(x).HiddenState.Sum().Backward();
        Close.Assert(once.Select(v => 2 * v).ToArray(), gru.Layers[0].WeightHh.Grad!.Span, 1e-6, 1e-7, "accumulated");
        gru.ZeroGrad();
        gru.Forward(x).HiddenState.Sum().Backward();
        Close.Assert(once, gru.Layers[0].WeightHh.Grad!.Span, 1e-6, 1e-7, "after ZeroGrad");
    }

    [Fact]
    public void Gru_SecondBackwardNotReachingFinalState_DoesNotReuseItsGradient()
    {
        var gru = new GRU(3, 4, new Rng(12), numLayers: 2);
        var x = GradCheck.Random(13, 2, 5, 3);
        gru.Forward(x).Output.Sum().Backward();
        var outputOnly = gru.Layers[0].WeightHh.Grad!.ToArray();
        gru.ZeroGrad();

        var result = gru.Forward(x);
        result.HiddenState.Sum().Backward();
        gru.ZeroGrad();
        result.Output.Sum().Backward();
        Close.Assert(outputOnly, gru.Layers[0].WeightHh.Grad!.Span, 1e-6, 1e-7, "gradient of the output alone");
    }

    [Fact]
    public void Gru_PaddedSteps_LeaveStateAndGiveZeroOutput()
    {
        var gru = new GRU(2, 3, new Rng(10));
        var x = GradCheck.Random(11, 2, 4, 2);
        var padded = gru.Forward(x, null, [2, 4]);
        var shortOnly = gru.Forward(GradCheck.Random(11, 2, 4, 2).Reshape(8, 2).GatherRows([0, 1]).Reshape(1, 2, 2));
        Close.Assert(shortOnly.Output.Span, padded.Output.Span[..6], 1e-6, 1e-7, "valid steps");
        Assert.All(padded.Output.Span.Slice(6, 6).ToArray(), v => Assert.Equal(0f, v));
        Close.Assert(shortOnly.HiddenState.Span, padded.HiddenState.Span[..3], 1e-6, 1e-7, "final state of the short sequence");
    }

    [Fact]
    public void Gru_WrongInputWidth_ThrowsNamingBothSizes()
    {
        var gru = new GRU(4, 3, new Rng(1));
        var error = Assert.Throws<ArgumentException>(() => gru.Forward(Tensor.Zeros(2, 5, 6)));
        Assert.Contains("6 features per step but input_size is 4", error.Message);
    }

    [Theory]
    [InlineData(6, "lengths[1] = 6 is outside 1..5")]
    [InlineData(0, "lengths[1] = 0 is outside 1..5")]
    public void Gru_LengthOutsideSteps_ThrowsNamingIndexAndRange(int length, string expected)
    {
        var gru = new GRU(4, 3, new Rng(1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => gru.Forward(Tensor.Zeros(2, 5, 4), null, [5, length]));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Lstm_InitialStateOfWrongShape_ThrowsNamingExpectedShape()
    {
        var lstm = new LSTM(4, 3, new Rng(1), numLayers: 2);
        var state = new LstmState(Tensor.Zeros(2, 2, 3), Tensor.Zeros(1, 2, 3));
        var error = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(2, 5, 4), state));
        Assert.Contains("initial cell state has shape (1, 2, 3), should be (layers, batch, hidden) = (2, 2, 3)", error.Message);
    }

    [Fact]
    public void Gru_InsideScope_ReusesPooledBuffersStepAfterStep()
    {
        var gru = new GRU(8, 16, new Rng(2));
        var x = GradCheck.Random(3, 4, 6, 8);
        var pool = new BufferPool();
        void Step()
        {
            using var scope = TensorScope.Begin(pool);
            gru.ZeroGrad();
            gru.Forward(x).Output.Sum().Backward();
        }
        Step();
        int held = pool.Count;
        for (int i = 0; i < 3; i++) Step();
        Assert.Equal(held, pool.Count);
    }
}
