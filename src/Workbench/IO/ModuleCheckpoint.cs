using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.IO;

/// <summary>Saves and loads a module's state (parameters and buffers) as a safetensors file keyed by
/// their dotted names (the keys of a PyTorch state_dict, so weights can move between the two).</summary>
public static class ModuleCheckpoint
{
    /// <summary>Writes the state of <paramref name="module"/> (<see cref="Module.NamedState"/>) to
    /// <paramref name="path"/> atomically, with optional string metadata (for example the resolved configuration).</summary>
    public static void SaveParameters(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        SafeTensors.Save(path, module.NamedState().DistinctBy(s => s.Name).Select(s => KeyValuePair.Create(s.Name, s.Tensor)), metadata);
    }

    /// <summary>
    /// Copies the state stored in <paramref name="path"/> into <paramref name="module"/>
    /// (<see cref="Module.LoadStateDict"/>): every entry must be present with its exact shape and the
    /// file must hold nothing else; otherwise nothing is changed and an <see cref="InvalidDataException"/>
    /// lists the missing, unexpected and mis-shaped names.
    /// </summary>
    /// <returns>The file's metadata.</returns>
    public static IReadOnlyDictionary<string, string> LoadParameters(this Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        var file = SafeTensors.Load(path);
        module.LoadStateDict(file.Tensors, $"'{path}'");
        return file.Metadata;
    }
}
