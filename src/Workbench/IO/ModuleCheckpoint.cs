using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.IO;

/// <summary>Saves and loads a module's parameters as a safetensors file keyed by their dotted names
/// (the same keys as a PyTorch state_dict, so weights can move between the two).</summary>
public static class ModuleCheckpoint
{
    /// <summary>Writes every parameter of <paramref name="module"/> to <paramref name="path"/> atomically,
    /// with optional string metadata (for example the resolved configuration).</summary>
    public static void SaveParameters(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Save(module.NamedParameters(), path, metadata);
    }

    /// <summary>
    /// Copies the values stored in <paramref name="path"/> into the parameters of <paramref name="module"/>.
    /// Every parameter must be present with its exact shape and the file must hold nothing else; otherwise
    /// nothing is changed and an <see cref="InvalidDataException"/> lists the missing, unexpected and
    /// mis-shaped names.
    /// </summary>
    /// <returns>The file's metadata.</returns>
    public static IReadOnlyDictionary<string, string> LoadParameters(this Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Load(module.NamedParameters(), path);
    }

    internal static void Save(IEnumerable<(string Name, Tensor Parameter)> parameters, string path, IReadOnlyDictionary<string, string>? metadata)
    {
        SafeTensors.Save(path, parameters.Select(p => KeyValuePair.Create(p.Name, p.Parameter)), metadata);
    }

    internal static IReadOnlyDictionary<string, string> Load(IEnumerable<(string Name, Tensor Parameter)> parameters, string path)
    {
        var expected = parameters.ToList();
        var file = SafeTensors.Load(path);
        var missing = new List<string>();
        var mismatched = new List<string>();
        var expectedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in expected)
        {
            expectedNames.Add(name);
            if (!file.Tensors.TryGetValue(name, out var stored)) missing.Add(name);
            else if (!stored.Shape.SequenceEqual(parameter.Shape))
                mismatched.Add($"{name} (file {Tensor.ShapeText(stored.Dims)}, module {Tensor.ShapeText(parameter.Dims)})");
        }
        var unexpected = file.Tensors.Keys.Where(n => !expectedNames.Contains(n)).ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing: {string.Join(", ", missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected: {string.Join(", ", unexpected)}");
            if (mismatched.Count > 0) parts.Add($"shape mismatch: {string.Join(", ", mismatched)}");
            throw new InvalidDataException($"'{path}' does not match the module's parameters; {string.Join("; ", parts)}.");
        }
        foreach (var (name, parameter) in expected) parameter.CopyFrom(file.Tensors[name]);
        return file.Metadata;
    }
}
