using System.Buffers.Binary;
using System.Globalization;

namespace Workbench.Interchange.Onnx;

/// <summary>
/// An ONNX graph being built: named inputs and outputs (float tensors, the batch axis symbolic), initializers
/// (the weights, float or int64) and nodes in topological order; <see cref="ToModel"/> writes the ModelProto.
/// Field numbers are those of onnx/onnx.proto in github.com/onnx/onnx (ModelProto, GraphProto, NodeProto,
/// AttributeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto).
/// </summary>
internal sealed class OnnxGraph(string name)
{
    /// <summary>The symbolic name of every graph's first axis: any batch size.</summary>
    public const string BatchAxis = "batch";

    private const int FloatType = 1, Int64Type = 7;                                  // TensorProto.DataType
    private const int AttributeFloat = 1, AttributeInt = 2, AttributeInts = 7;        // AttributeProto.AttributeType

    private readonly List<Action<ProtobufWriter>> _nodes = [];
    private readonly List<Action<ProtobufWriter>> _initializers = [];
    private readonly List<Action<ProtobufWriter>> _inputs = [];
    private readonly List<Action<ProtobufWriter>> _outputs = [];
    private readonly HashSet<string> _names = [];
    private int _constants;

    /// <summary>Declares a graph input of shape (batch, <paramref name="features"/>) and returns its name.</summary>
    public string Input(string valueName, int features)
    {
        Claim(valueName);
        _inputs.Add(w => ValueInfo(w, valueName, [null, features]));
        return valueName;
    }

    /// <summary>Declares <paramref name="valueName"/> a graph output of the given shape (null: the batch axis).</summary>
    public void Output(string valueName, params int?[] shape) => _outputs.Add(w => ValueInfo(w, valueName, shape));

    /// <summary>A float initializer of the given shape holding <paramref name="values"/> (row-major), named <paramref name="tensorName"/>.</summary>
    public string Weight(string tensorName, ReadOnlySpan<float> values, IReadOnlyList<int> dims)
    {
        Claim(tensorName);
        return FloatInitializer(tensorName, values, dims);
    }

    /// <summary>A float scalar constant (a 0-dimensional initializer).</summary>
    public string Scalar(float value) => FloatInitializer(FreshName("const"), [value], []);

    private string FloatInitializer(string tensorName, ReadOnlySpan<float> values, IReadOnlyList<int> dims)
    {
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), values[i]);
        _initializers.Add(w => Tensor(w, tensorName, dims.Select(d => (long)d), FloatType, raw));
        return tensorName;
    }

    /// <summary>An int64 vector constant (shapes for Reshape).</summary>
    public string Int64Vector(IReadOnlyList<long> values)
    {
        string tensorName = FreshName("shape");
        var raw = new byte[values.Count * sizeof(long)];
        for (int i = 0; i < values.Count; i++) BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(8 * i), values[i]);
        _initializers.Add(w => Tensor(w, tensorName, [values.Count], Int64Type, raw));
        return tensorName;
    }

    /// <summary>
    /// Appends a node <paramref name="opType"/> reading <paramref name="inputs"/> and returns the name of its one output,
    /// <paramref name="output"/> or a fresh name from <paramref name="nodeName"/>. Attributes: long, float or long[] values.
    /// </summary>
    public string Node(string opType, string nodeName, IReadOnlyList<string> inputs, string? output = null, params (string Name, object Value)[] attributes)
    {
        string result = output ?? FreshName(nodeName);
        if (output is not null) Claim(output);
        string uniqueNodeName = FreshName(nodeName + "/" + opType);
        _nodes.Add(w =>
        {
            foreach (var input in inputs) w.String(1, input);                       // NodeProto.input
            w.String(2, result);                                                      // NodeProto.output
            w.String(3, uniqueNodeName);                                              // NodeProto.name
            w.String(4, opType);                                                      // NodeProto.op_type
            foreach (var (attributeName, value) in attributes)                        // NodeProto.attribute
                w.Message(5, a => Attribute(a, attributeName, value));
        });
        return result;
    }

    /// <summary>The ModelProto holding this graph, importing the default ONNX operator set at <paramref name="opset"/>.</summary>
    public byte[] ToModel(int irVersion, int opset, string producerVersion, string docString)
    {
        var model = new ProtobufWriter()
            .Int64(1, irVersion)                                                      // ModelProto.ir_version
            .String(2, "Workbench")                                                   // ModelProto.producer_name
            .String(3, producerVersion)                                               // ModelProto.producer_version
            .String(6, docString)                                                     // ModelProto.doc_string
            .Message(7, graph =>                                                      // ModelProto.graph
            {
                foreach (var node in _nodes) graph.Message(1, node);                  // GraphProto.node
                graph.String(2, name);                                                // GraphProto.name
                foreach (var initializer in _initializers) graph.Message(5, initializer); // GraphProto.initializer
                foreach (var input in _inputs) graph.Message(11, input);              // GraphProto.input
                foreach (var output in _outputs) graph.Message(12, output);           // GraphProto.output
            })
            .Message(8, set => set.String(1, "").Int64(2, opset));                    // ModelProto.opset_import: OperatorSetIdProto domain, version
        return model.ToArray();
    }

    private string FreshName(string stem)
    {
        string candidate = stem;
        while (_names.Contains(candidate)) candidate = stem + "_" + (++_constants).ToString(CultureInfo.InvariantCulture);
        _names.Add(candidate);
        return candidate;
    }

    private void Claim(string valueName)
    {
        if (!_names.Add(valueName)) throw new InvalidOperationException($"The ONNX graph already has a value named '{valueName}'.");
    }

    private static void Tensor(ProtobufWriter w, string tensorName, IEnumerable<long> dims, int dataType, byte[] raw) =>
        w.Int64s(1, dims)                                                             // TensorProto.dims
         .Int64(2, dataType)                                                          // TensorProto.data_type
         .String(8, tensorName)                                                       // TensorProto.name
         .Bytes(9, raw);                                                              // TensorProto.raw_data (little-endian)

    private static void ValueInfo(ProtobufWriter w, string valueName, int?[] shape) =>
        w.String(1, valueName)                                                        // ValueInfoProto.name
         .Message(2, type => type.Message(1, tensor => tensor                         // ValueInfoProto.type → TypeProto.tensor_type
             .Int64(1, FloatType)                                                     // TypeProto.Tensor.elem_type
             .Message(2, shapeProto =>                                                // TypeProto.Tensor.shape
             {
                 foreach (var dim in shape)
                     shapeProto.Message(1, d =>                                       // TensorShapeProto.dim
                     {
                         if (dim is { } size) d.Int64(1, size);                       // Dimension.dim_value
                         else d.String(2, BatchAxis);                                 // Dimension.dim_param
                     });
             })));

    private static void Attribute(ProtobufWriter a, string attributeName, object value)
    {
        a.String(1, attributeName);                                                   // AttributeProto.name
        switch (value)
        {
            case float f: a.Float(2, f).Int64(20, AttributeFloat); break;             // AttributeProto.f, type
            case long i: a.Int64(3, i).Int64(20, AttributeInt); break;                // AttributeProto.i, type
            case int i: a.Int64(3, i).Int64(20, AttributeInt); break;
            case long[] ints: a.Int64s(8, ints).Int64(20, AttributeInts); break;      // AttributeProto.ints, type
            default: throw new ArgumentException($"ONNX attribute '{attributeName}': unsupported value type {value.GetType().Name}.");
        }
    }
}
