using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

/// <summary>
/// The N-d shape, slicing, stacking and axis-reduction ops against PyTorch 1.13 (Fixtures/ops_shape.safetensors,
/// written by tests/fixtures-gen/ops_shape.py): for each case the output, and the gradient of Σ y ⊙ r with
/// respect to every input for the fixture's random r.
/// </summary>
public class OpsShapeFixtureTests
{
    /// <summary>Each fixture case: our op applied to the case's inputs (x, or x0, x1, … for joins).</summary>
    private static readonly Dictionary<string, Func<Tensor[], Tensor>> Cases = new()
    {
        ["permute_0231"] = x => x[0].Permute(0, 2, 3, 1),
        ["permute_201"] = x => x[0].Permute(2, 0, 1),
        ["permute_1023"] = x => x[0].Permute(1, 0, 2, 3),
        ["permute_3210"] = x => x[0].Permute(3, 2, 1, 0),
        ["permute_big"] = x => x[0].Permute(2, 0, 3, 1),
        ["transpose_02"] = x => x[0].Transpose(0, 2),
        ["transpose_last2"] = x => x[0].Transpose(-1, -2),
        ["unsqueeze_1"] = x => x[0].Unsqueeze(1),
        ["unsqueeze_last"] = x => x[0].Unsqueeze(-1),
        ["squeeze_1"] = x => x[0].Squeeze(1),
        ["expand_lead"] = x => x[0].Expand(3, 2, 5, 4),
        ["expand_keep"] = x => x[0].Expand(2, -1, 4),
        ["repeat"] = x => x[0].Repeat(2, 1, 3),
        ["narrow"] = x => x[0].Narrow(1, 1, 3),
        ["narrow_negative"] = x => x[0].Narrow(-1, -2, 2),
        ["slice_step"] = x => x[0].Slice(1, 1, 6, 2),
        ["slice_clamped"] = x => x[0].Slice(1, -10, -2),
        ["slice_step3"] = x => x[0].Slice(2, null, null, 3),
        ["slice_tail"] = x => x[0].Slice(1, -3, null),
        ["select"] = x => x[0].Select(1, 2),
        ["select_negative"] = x => x[0].Select(-1, -1),
        ["select_first"] = x => x[0].Select(0, 1),
        ["index_select"] = x => x[0].IndexSelect(1, [3, 0, 3, 1]),
        ["index_select_last"] = x => x[0].IndexSelect(2, [4, 4, 0]),
        ["slice_twice"] = x => Tensor.Cat([x[0].Slice(1, 1, 4), x[0].Narrow(1, 2, 3) * 2f], 1),
        ["stack_1"] = x => Tensor.Stack(x, 1),
        ["stack_0"] = x => Tensor.Stack(x, 0),
        ["stack_last"] = x => Tensor.Stack(x, -1),
        ["cat_1"] = x => Tensor.Cat(x, 1),
        ["sum_023"] = x => x[0].Sum([0, 2, 3]),
        ["sum_13_keep"] = x => x[0].Sum([1, 3], keepDim: true),
        ["sum_last_first"] = x => x[0].Sum([-1, 0]),
        ["sum_all"] = x => x[0].Sum([]),
        ["mean_02"] = x => x[0].Mean([0, 2]),
        ["mean_123_keep"] = x => x[0].Mean([1, 2, 3], keepDim: true),
        ["var_023"] = x => x[0].Var([0, 2, 3]),
        ["var_1_biased_keep"] = x => x[0].Var([1], correction: 0, keepDim: true),
        ["var_23_correction2"] = x => x[0].Var([2, 3], correction: 2),
        ["var_all"] = x => x[0].Var([]),
        ["std_023"] = x => x[0].Std([0, 2, 3]),
        ["std_last_keep"] = x => x[0].Std(-1, keepDim: true),
        ["min_1_ties"] = x => x[0].Min(1),
        ["min_last_keep_ties"] = x => x[0].Min(-1, keepDim: true),
        ["min_0"] = x => x[0].Min(0),
        ["max_1_ties"] = x => x[0].Max(1),
        ["amax_02_ties"] = x => x[0].Amax([0, 2]),
        ["amax_last_keep_ties"] = x => x[0].Amax([-1], keepDim: true),
        ["amin_13_ties"] = x => x[0].Amin([1, 3]),
        ["cumsum_1"] = x => x[0].CumSum(1),
        ["cumsum_last"] = x => x[0].CumSum(-1),
        ["cumsum_0"] = x => x[0].CumSum(0),
    };

    private static readonly Dictionary<string, Func<Tensor, int[]>> IndexCases = new()
    {
        ["argmax_1_ties"] = x => x.ArgMax(1),
        ["argmax_last_ties"] = x => x.ArgMax(-1),
        ["argmin_0_ties"] = x => x.ArgMin(0),
        ["argmin_last_ties"] = x => x.ArgMin(-1),
    };

    private static readonly Lazy<IReadOnlyDictionary<string, Tensor>> Fixture =
        new(() => FixtureFiles.Load("ops_shape.safetensors").Tensors);

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    public static TheoryData<string> IndexCaseNames => [.. IndexCases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Op_PyTorchCase_MatchesValuesAndGradients(string name)
    {
        var fixture = Fixture.Value;
        var inputs = InputNames(name).Select(key => fixture[key].Clone()).ToArray();
        foreach (var x in inputs) x.RequiresGrad = true;

        var y = Cases[name](inputs);

        var expected = fixture[$"{name}.y"];
        Assert.Equal(expected.Shape, y.Shape);
        Close.Assert(expected.Span, y.Span, rtol: 1e-5, atol: 1e-5, what: $"{name} values");
        (y * fixture[$"{name}.r"]).Sum().Backward();
        var gradNames = InputNames(name).Select(key => key.Replace(".x", ".grad")).ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.True(inputs[i].Grad is not null, $"{name}: input {i} received no gradient");
            Close.Assert(fixture[gradNames[i]].Span, inputs[i].Grad!.Span, rtol: 1e-4, atol: 1e-5, what: $"{name} gradient {i}");
        }
    }

    [Theory]
    [MemberData(nameof(IndexCaseNames))]
    public void ArgExtreme_PyTorchTiedCase_MatchesFirstIndices(string name)
    {
        var fixture = Fixture.Value;

        var actual = IndexCases[name](fixture[$"{name}.x"]);

        var expected = fixture[$"{name}.y"].ToArray().Select(v => (int)v).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Fixture_EveryCase_IsCovered()
    {
        var stored = Fixture.Value.Keys.Where(k => k.EndsWith(".y")).Select(k => k[..^2]).ToHashSet();
        Assert.Equal(stored.OrderBy(s => s), Cases.Keys.Concat(IndexCases.Keys).OrderBy(s => s));
    }

    /// <summary>The fixture keys of a case's inputs: NAME.x, or NAME.x0, NAME.x1, ….</summary>
    private static string[] InputNames(string name)
    {
        var fixture = Fixture.Value;
        if (fixture.ContainsKey($"{name}.x")) return [$"{name}.x"];
        return Enumerable.Range(0, int.MaxValue).Select(i => $"{name}.x{i}").TakeWhile(fixture.ContainsKey).ToArray();
    }
}
