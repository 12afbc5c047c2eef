using System.Text;
using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// A layer or a model: owns named parameters, buffers and sub-modules, in registration order. Names
/// compose with dots exactly as PyTorch's <c>state_dict</c> keys do ("encoder.0.weight"), so
/// checkpoints line up with PyTorch models. What a module computes is typed by
/// <see cref="Module{TInput, TOutput}"/>: a layer maps a tensor to a tensor, a VAE maps a batch to its
/// output record.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Parameter)> _parameters = [];
    private readonly List<(string Name, Tensor Buffer)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>
    /// Adds a parameter under <paramref name="name"/> and returns it. A parameter must outlive every
    /// training step, so a tensor whose storage belongs to a <see cref="TensorScope"/> is copied out
    /// of it first; the parameter is a leaf with <see cref="Tensor.RequiresGrad"/> set.
    /// </summary>
    public Tensor RegisterParameter(string name, Tensor tensor)
    {
        RequireFreshName(name);
        var parameter = tensor.Owner is null && tensor.IsLeaf ? tensor : new Tensor((int[])tensor.Dims.Clone(), tensor.ToArray(), null);
        parameter.Name ??= name;
        parameter.RequiresGrad = true;
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>
    /// Adds a buffer under <paramref name="name"/> and returns it: a tensor that belongs to the module's
    /// state (saved and loaded with the parameters, e.g. a fixed σ) but is not trained.
    /// </summary>
    public Tensor RegisterBuffer(string name, Tensor tensor)
    {
        RequireFreshName(name);
        var buffer = tensor.Owner is null && tensor.IsLeaf && !tensor.RequiresGrad ? tensor : new Tensor((int[])tensor.Dims.Clone(), tensor.ToArray(), null);
        buffer.Name ??= name;
        _buffers.Add((name, buffer));
        return buffer;
    }

    /// <summary>Adds a sub-module under <paramref name="name"/> and returns it.</summary>
    public TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        RequireFreshName(name);
        if (ReferenceEquals(module, this)) throw new ArgumentException($"A module cannot be its own child ('{name}').");
        _children.Add((name, module));
        return module;
    }

    /// <summary>The direct sub-modules, in registration order.</summary>
    public IReadOnlyList<Module> Children => _children.ConvertAll(c => c.Module);

    /// <summary>The direct sub-modules with their names, in registration order.</summary>
    public IReadOnlyList<(string Name, Module Module)> NamedChildren => _children;

    /// <summary>This module (name "") and every descendant, depth first, with dotted names as in PyTorch's <c>named_modules()</c>.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        yield return ("", this);
        foreach (var (name, child) in _children)
            foreach (var (subName, sub) in child.NamedModules())
                yield return (subName.Length == 0 ? name : $"{name}.{subName}", sub);
    }

    /// <summary>
    /// Every parameter with its dotted name: this module's own first, then each child's in
    /// registration order — the keys and order of PyTorch's <c>state_dict()</c> (a tensor shared
    /// by two modules appears under both names).
    /// </summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        foreach (var p in _parameters) yield return p;
        foreach (var (name, child) in _children)
            foreach (var (subName, parameter) in child.NamedParameters())
                yield return ($"{name}.{subName}", parameter);
    }

    /// <summary>Every buffer with its dotted name, this module's own first, then each child's.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var b in _buffers) yield return b;
        foreach (var (name, child) in _children)
            foreach (var (subName, buffer) in child.NamedBuffers())
                yield return ($"{name}.{subName}", buffer);
    }

    /// <summary>
    /// The module's whole state by dotted name: per module, its parameters, then its buffers, then
    /// each child's state — PyTorch's <c>state_dict()</c> order. The tensors are the live ones.
    /// </summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedState()
    {
        foreach (var p in _parameters) yield return p;
        foreach (var b in _buffers) yield return b;
        foreach (var (name, child) in _children)
            foreach (var (subName, tensor) in child.NamedState())
                yield return ($"{name}.{subName}", tensor);
    }

    /// <summary>A copy of <see cref="NamedState"/> in memory: keep it to restore the module later with <see cref="LoadStateDict"/>.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in NamedState())
            state.TryAdd(name, new Tensor((int[])tensor.Dims.Clone(), tensor.ToArray(), null));
        return state;
    }

    /// <summary>
    /// Copies <paramref name="state"/> into this module's parameters and buffers. Every entry must be
    /// present with its exact shape and nothing else may be given; otherwise nothing is changed and an
    /// <see cref="InvalidDataException"/> lists the missing, unexpected and mis-shaped names.
    /// </summary>
    /// <param name="source">Where the state came from, for the message (a file path, "state dict").</param>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, string source = "the state dict")
    {
        var expected = NamedState().ToList();
        var missing = new List<string>();
        var mismatched = new List<string>();
        var expectedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in expected)
        {
            expectedNames.Add(name);
            if (!state.TryGetValue(name, out var stored)) missing.Add(name);
            else if (!stored.Shape.SequenceEqual(tensor.Shape))
                mismatched.Add($"{name} (given {Tensor.ShapeText(stored.Dims)}, module {Tensor.ShapeText(tensor.Dims)})");
        }
        var unexpected = state.Keys.Where(n => !expectedNames.Contains(n)).ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing: {string.Join(", ", missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected: {string.Join(", ", unexpected)}");
            if (mismatched.Count > 0) parts.Add($"shape mismatch: {string.Join(", ", mismatched)}");
            throw new InvalidDataException($"{source} does not match the module's state; {string.Join("; ", parts)}.");
        }
        foreach (var (name, tensor) in expected) tensor.CopyFrom(state[name]);
    }

    /// <summary>Every distinct parameter tensor once (what an optimizer should update), in <see cref="NamedParameters"/> order.</summary>
    public IEnumerable<Tensor> Parameters() =>
        NamedParameters().Select(p => p.Parameter).Distinct<Tensor>(ReferenceEqualityComparer.Instance);

    /// <summary>Total number of scalar parameters (shared tensors counted once).</summary>
    public long ParameterCount => Parameters().Sum(p => (long)p.Size);

    /// <summary>Sets training mode on this module and every descendant; returns this module.</summary>
    public Module Train(bool on = true)
    {
        foreach (var (_, module) in NamedModules()) module.Training = on;
        return this;
    }

    /// <summary>Evaluation mode: <see cref="Train"/>(false).</summary>
    public Module Eval() => Train(false);

    /// <summary>Zeroes the gradient of every parameter (buffers are kept for the next step).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>The arguments shown between the parentheses when printed, e.g. "in_features=784, out_features=400, bias=True".</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>The module tree in PyTorch's print format, one child per line as "(name): Child(…)".</summary>
    public override string ToString()
    {
        var extra = ExtraRepr();
        var lines = new List<string>();
        if (extra.Length > 0) lines.AddRange(extra.Split('\n'));
        foreach (var (name, child) in _children)
            lines.Add($"({name}): " + child.ToString().Replace("\n", "\n  "));

        var sb = new StringBuilder(GetType().Name).Append('(');
        if (lines.Count == 1 && _children.Count == 0) sb.Append(lines[0]);
        else if (lines.Count > 0) sb.Append("\n  ").AppendJoin("\n  ", lines).Append('\n');
        return sb.Append(')').ToString();
    }

    private void RequireFreshName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"Invalid name '{name}' in {GetType().Name}: names must be non-empty and contain no '.'.", nameof(name));
        if (_parameters.Exists(p => p.Name == name) || _buffers.Exists(b => b.Name == name) || _children.Exists(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name} already has a parameter, buffer or module named '{name}'.", nameof(name));
    }
}

/// <summary>
/// A module with a typed forward pass, as TorchSharp's <c>Module&lt;T, TResult&gt;</c>: layers are
/// <c>Module&lt;Tensor, Tensor&gt;</c>; a model's forward returns its own record.
/// </summary>
public abstract class Module<TInput, TOutput> : Module
{
    /// <summary>The output for <paramref name="input"/>.</summary>
    public abstract TOutput Forward(TInput input);
}
