using Microsoft.ML.OnnxRuntime;
using Workbench.Tensors;

namespace Workbench.Tests.Interchange;

/// <summary>Runs an ONNX model in ONNX Runtime (CPU, one thread) and compares its outputs with the workbench's.</summary>
internal static class OnnxRunner
{
    /// <summary>Every output of <paramref name="model"/> for the named float inputs, by name, with its shape.</summary>
    public static Dictionary<string, (float[] Values, long[] Shape)> Run(byte[] model, params (string Name, Tensor Value)[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var values = inputs.Select(input => OrtValue.CreateTensorValueFromMemory(input.Value.ToArray(), input.Value.Shape.Select(d => (long)d).ToArray())).ToList();
        try
        {
            var names = session.OutputMetadata.Keys.ToList();
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs.Select(i => i.Name).ToList(), values, names);
            return names.Zip(results).ToDictionary(
                pair => pair.First,
                pair => (pair.Second.GetTensorDataAsSpan<float>().ToArray(), pair.Second.GetTensorTypeAndShape().Shape));
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>The largest |expected − actual|, after checking the lengths agree.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs((double)expected[i] - actual[i]));
        return max;
    }

    /// <summary>Asserts ONNX Runtime's output equals the workbench's within <paramref name="tolerance"/> (max abs) and has its shape.</summary>
    /// <returns>The largest absolute difference.</returns>
    public static double AssertMatches(Tensor expected, (float[] Values, long[] Shape) actual, string what, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Shape.Select(d => (long)d), actual.Shape);
        double max = MaxAbsDifference(expected.ToArray(), actual.Values, what);
        Assert.True(max <= tolerance, $"{what}: max |workbench − ONNX Runtime| = {max:G3} > {tolerance:G3}");
        return max;
    }
}
