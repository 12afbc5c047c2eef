using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Workbench.Models;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Experiments.Composed;

/// <summary>
/// A model composed in code, as a run knows it, and what identifies it: everything that determines how it
/// trains, read when it is given (before any training), so that a run of it is reused only for the same model.
/// </summary>
/// <param name="Model">The model, freshly initialised; the run trains it (or loads the finished run's weights into it).</param>
/// <param name="Optimizer">Its optimizer; null for Adam at the run's learning rate.</param>
public sealed record ComposedModel(VariationalAutoencoder Model, Optim.Optimizer? Optimizer = null)
{
    private readonly JsonObject _identity = Identify(Model, Optimizer);

    /// <summary>
    /// What identifies the model in <c>config.json</c> and the run's identity, as it was when given:
    /// <list type="bullet">
    /// <item><c>parts</c>: every module of the tree by name (<c>model</c> for the whole), each with its type, the hash of its
    /// code when the type is not Workbench's own (<see cref="CodeFingerprint"/>: the compiled bodies of its methods, its
    /// base and nested types' and of the user code they call) and every field's value (<see cref="SettingsDescription"/>:
    /// the objective, a prior's scale, whether or not <c>ExtraRepr</c> prints it);</item>
    /// <item><c>initialParameters</c>: a hash of the initial values of every parameter and buffer;</item>
    /// <item><c>optimizer</c> and <c>optimizerSettings</c>: the optimizer's type and every setting (learning rate per group,
    /// momentum, which parameters it updates), when one was given;</item>
    /// <item>the module tree as printed, the latent size, the objective and the shapes of the state, for people to read.</item>
    /// </list>
    /// </summary>
    public JsonObject ToJson() => (JsonObject)_identity.DeepClone();

    private static JsonObject Identify(VariationalAutoencoder model, Optim.Optimizer? optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        var modules = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, module) in model.NamedModules()) modules.TryAdd(module, name.Length == 0 ? "model" : name);
        var state = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, tensor) in model.NamedState()) state.TryAdd(tensor, name);

        var settings = new SettingsDescription(modules, state);
        var parts = new JsonObject();
        foreach (var (module, name) in modules) parts[name] = settings.DescribeObject(module);
        var identity = new JsonObject
        {
            ["composed"] = model.GetType().Name,
            ["description"] = model.Description,
            ["latentSize"] = model.LatentSize,
            ["objective"] = model.Objective.Describe(),
            ["optimizer"] = optimizer?.GetType().Name ?? "Adam",
            ["state"] = new JsonObject(model.NamedState().DistinctBy(s => s.Name)
                .Select(s => KeyValuePair.Create(s.Name, (JsonNode?)Tensor.ShapeText(s.Tensor.Dims)))),
            ["parts"] = parts,
            ["initialParameters"] = InitialParameters(model),
        };
        if (optimizer is not null) identity["optimizerSettings"] = settings.DescribeObject(optimizer);
        return identity;
    }

    /// <summary>SHA-256 (lower-case hex) of every state tensor's name, shape and values, in state-dict order.</summary>
    private static string InitialParameters(VariationalAutoencoder model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in model.NamedState().DistinctBy(s => s.Name))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name} {Tensor.ShapeText(tensor.Dims)}\n"));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Span));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
