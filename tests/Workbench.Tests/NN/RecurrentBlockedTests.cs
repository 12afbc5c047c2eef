using Workbench.IO;
using Workbench.Kernels;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.NN;

/// <summary>
/// The recurrent layers at a batch large enough for the blocked time loop (W_hh packed once per loop, the batch run in
/// blocks of sequences on the compute threads, each with its own input projection and dx), against rnn_blocked.safetensors (tests/fixtures-gen/rnn_blocked.py):
/// PyTorch's values and gradients on any thread count, and the same bits on every thread count.
/// </summary>
[Collection(Workbench.Tests.Kernels.GemmLogTests.Recording)] // sets the process-wide compute thread count
public class RecurrentBlockedTests
{
    private const int Batch = 50, Steps = 4, Hidden = 24;
    private static readonly int[] Lengths = [.. Enumerable.Range(0, Batch).Select(b => 1 + b * 7 % Steps)];
    private static readonly Lazy<SafeTensorsFile> File = new(() => FixtureFiles.Load("rnn_blocked.safetensors"));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Gru_BlockedBatch_MatchesPyTorchOnAnyThreadCount(int threads)
    {
        var run = WithThreads(threads, () => RunGru());
        Assert.Equal(new[] { Batch, Steps, Hidden }, run.Output.Shape);
        Close.Assert(Get("gru.out").Span, run.Output.Span, 1e-5, 1e-6, "output");
        Close.Assert(Get("gru.h_n").Span, run.Hidden.Span, 1e-5, 1e-6, "h_n");
        AssertGradients("gru", run);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Lstm_BlockedBatch_MatchesPyTorchOnAnyThreadCount(int threads)
    {
        var run = WithThreads(threads, () => RunLstm());
        Close.Assert(Get("lstm.out").Span, run.Output.Span, 1e-5, 1e-6, "output");
        Close.Assert(Get("lstm.h_n").Span, run.Hidden.Span, 1e-5, 1e-6, "h_n");
        Close.Assert(Get("lstm.c_n").Span, run.Cell!.Span, 1e-5, 1e-6, "c_n");
        AssertGradients("lstm", run);
    }

    [Fact]
    public void Gru_OneTwoAndThreeThreads_GiveTheSameBits()
    {
        var one = WithThreads(1, () => RunGru());
        AssertSameBits(one, WithThreads(2, () => RunGru()));
        AssertSameBits(one, WithThreads(3, () => RunGru()));
    }

    [Fact]
    public void Lstm_OneTwoAndThreeThreads_GiveTheSameBits()
    {
        var one = WithThreads(1, () => RunLstm());
        AssertSameBits(one, WithThreads(2, () => RunLstm()));
        AssertSameBits(one, WithThreads(3, () => RunLstm()));
    }

    /// <summary>One forward and backward with the fixture's parameters, input, initial state, lengths and loss.</summary>
    private sealed record Run(Module Module, Tensor Output, Tensor Hidden, Tensor? Cell, Tensor X, Tensor H0, Tensor? C0);

    private static Run RunGru()
    {
        var gru = new GRU(8, Hidden, new Rng(1));
        LoadParameters(gru, "gru");
        var (x, h0) = (Get("gru.x"), Get("gru.h0"));
        x.RequiresGrad = h0.RequiresGrad = true;
        var result = gru.Forward(x, h0, Lengths);
        (Weighted(result.Output, "gru.r_out") + Weighted(result.HiddenState, "gru.r_h")).Backward();
        return new Run(gru, result.Output, result.HiddenState, null, x, h0, null);
    }

    private static Run RunLstm()
    {
        var lstm = new LSTM(8, Hidden, new Rng(1));
        LoadParameters(lstm, "lstm");
        var (x, h0, c0) = (Get("lstm.x"), Get("lstm.h0"), Get("lstm.c0"));
        x.RequiresGrad = h0.RequiresGrad = c0.RequiresGrad = true;
        var result = lstm.Forward(x, new LstmState(h0, c0), Lengths);
        (Weighted(result.Output, "lstm.r_out") + Weighted(result.HiddenState, "lstm.r_h") + Weighted(result.CellState, "lstm.r_c")).Backward();
        return new Run(lstm, result.Output, result.HiddenState, result.CellState, x, h0, c0);
    }

    private static void AssertGradients(string prefix, Run run)
    {
        Close.Assert(Get($"{prefix}.grad.x").Span, run.X.Grad!.Span, 2e-4, 2e-5, "dx");
        Close.Assert(Get($"{prefix}.grad.h0").Span, run.H0.Grad!.Span, 2e-4, 2e-5, "dh0");
        if (run.C0 is not null) Close.Assert(Get($"{prefix}.grad.c0").Span, run.C0.Grad!.Span, 2e-4, 2e-5, "dc0");
        foreach (var (name, parameter) in run.Module.NamedParameters())
            Close.Assert(Get($"{prefix}.grad.{name}").Span, parameter.Grad!.Span, 2e-4, 2e-5, $"{prefix} d{name}");
    }

    private static void AssertSameBits(Run expected, Run actual)
    {
        Assert.Equal(expected.Output.ToArray(), actual.Output.ToArray());
        Assert.Equal(expected.Hidden.ToArray(), actual.Hidden.ToArray());
        Assert.Equal(expected.Cell?.ToArray(), actual.Cell?.ToArray());
        Assert.Equal(expected.X.Grad!.ToArray(), actual.X.Grad!.ToArray());
        Assert.Equal(expected.H0.Grad!.ToArray(), actual.H0.Grad!.ToArray());
        Assert.Equal(expected.C0?.Grad!.ToArray(), actual.C0?.Grad!.ToArray());
        foreach (var ((name, e), (_, a)) in expected.Module.NamedParameters().Zip(actual.Module.NamedParameters()))
            Assert.True(e.Grad!.ToArray().AsSpan().SequenceEqual(a.Grad!.ToArray()), $"d{name} differs between thread counts");
    }

    private static T WithThreads<T>(int threads, Func<T> run)
    {
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = threads;
        try
        {
            return run();
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    private static Tensor Get(string name) => File.Value.Tensors[name].Clone();

    private static Tensor Weighted(Tensor y, string name) => (y * Get(name)).Sum();

    private static void LoadParameters(Module module, string prefix) =>
        module.LoadStateDict(module.NamedParameters().ToDictionary(p => p.Name, p => Get($"{prefix}.{p.Name}")), $"rnn_blocked.safetensors ({prefix})");
}
