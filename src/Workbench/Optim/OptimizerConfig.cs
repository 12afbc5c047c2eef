using System.Globalization;
using System.Text.Json.Serialization;
using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// The optimizer of a configured run, as experiment files name it: <c>"optimizer": {"kind": "adamw", "weightDecay": 0.01}</c>.
/// The learning rate is the run's (<c>training.learningRate</c>); absent, the run trains with Adam at PyTorch's defaults.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(AdamConfig), "adam")]
[JsonDerivedType(typeof(AdamWConfig), "adamw")]
[JsonDerivedType(typeof(SgdConfig), "sgd")]
[JsonDerivedType(typeof(RmsPropConfig), "rmsprop")]
public abstract record OptimizerConfig
{
    /// <summary>The optimizer over <paramref name="parameters"/> (one group) at <paramref name="learningRate"/>.</summary>
    public abstract Optimizer Build(IEnumerable<Tensor> parameters, float learningRate);

    /// <summary>Throws <see cref="ArgumentException"/> "field: problem" naming the first field (under <paramref name="field"/>) out of its range.</summary>
    public abstract void Validate(string field);

    /// <summary>The optimizer in a few words, e.g. "AdamW (λ=0.01)".</summary>
    public abstract string Describe();

    /// <summary>The kinds experiment files may name, in declaration order.</summary>
    public static string[] Kinds =>
        typeof(OptimizerConfig).GetCustomAttributes(typeof(JsonDerivedTypeAttribute), false)
            .Cast<JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!).ToArray();
}

/// <summary>Adam (<see cref="Optim.Adam"/>); the defaults are PyTorch's.</summary>
public sealed record AdamConfig : OptimizerConfig
{
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-8f;
    public float WeightDecay { get; init; }
    public bool Amsgrad { get; init; }

    public override Optimizer Build(IEnumerable<Tensor> parameters, float learningRate) =>
        new Adam(parameters, learningRate, Beta1, Beta2, Epsilon, WeightDecay, Amsgrad);

    public override void Validate(string field) => AdamChecks.Validate(field, Beta1, Beta2, Epsilon, WeightDecay);

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"Adam{(Amsgrad ? " (AMSGrad)" : "")}, L2 λ={WeightDecay:G3}");
}

/// <summary>AdamW (<see cref="Optim.AdamW"/>); the defaults are PyTorch's (λ = 0.01).</summary>
public sealed record AdamWConfig : OptimizerConfig
{
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-8f;
    public float WeightDecay { get; init; } = 1e-2f;
    public bool Amsgrad { get; init; }

    public override Optimizer Build(IEnumerable<Tensor> parameters, float learningRate) =>
        new AdamW(parameters, learningRate, Beta1, Beta2, Epsilon, WeightDecay, Amsgrad);

    public override void Validate(string field) => AdamChecks.Validate(field, Beta1, Beta2, Epsilon, WeightDecay);

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"AdamW{(Amsgrad ? " (AMSGrad)" : "")}, decoupled λ={WeightDecay:G3}");
}

/// <summary>SGD (<see cref="Optim.Sgd"/>) with optional momentum, dampening and Nesterov momentum.</summary>
public sealed record SgdConfig : OptimizerConfig
{
    public float Momentum { get; init; }
    public float Dampening { get; init; }
    public float WeightDecay { get; init; }
    public bool Nesterov { get; init; }

    public override Optimizer Build(IEnumerable<Tensor> parameters, float learningRate) =>
        new Sgd(parameters, learningRate, Momentum, WeightDecay, Nesterov, Dampening);

    public override void Validate(string field)
    {
        ConfigChecks.InRange(field + ".momentum", Momentum, 0, 1);
        ConfigChecks.InRange(field + ".dampening", Dampening, 0, 1);
        ConfigChecks.InRange(field + ".weightDecay", WeightDecay, 0, 1);
        if (Nesterov && (Momentum == 0f || Dampening != 0f))
            throw new ArgumentException($"{field}.nesterov: needs momentum > 0 and dampening 0 (got momentum {Momentum}, dampening {Dampening}).");
    }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"SGD, momentum {Momentum:G3}{(Nesterov ? " (Nesterov)" : "")}{(Dampening != 0 ? $", dampening {Dampening:G3}" : "")}, λ={WeightDecay:G3}");
}

/// <summary>RMSprop (<see cref="Optim.RmsProp"/>); the defaults are PyTorch's (α 0.99, ε 1e-8).</summary>
public sealed record RmsPropConfig : OptimizerConfig
{
    public float Alpha { get; init; } = 0.99f;
    public float Epsilon { get; init; } = 1e-8f;
    public float WeightDecay { get; init; }
    public float Momentum { get; init; }
    public bool Centered { get; init; }

    public override Optimizer Build(IEnumerable<Tensor> parameters, float learningRate) =>
        new RmsProp(parameters, learningRate, Alpha, Epsilon, WeightDecay, Momentum, Centered);

    public override void Validate(string field)
    {
        ConfigChecks.InRange(field + ".alpha", Alpha, 0, 1);
        ConfigChecks.InRange(field + ".epsilon", Epsilon, 0, 1);
        ConfigChecks.InRange(field + ".weightDecay", WeightDecay, 0, 1);
        ConfigChecks.InRange(field + ".momentum", Momentum, 0, 1);
    }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"RMSprop{(Centered ? " (centered)" : "")}, α={Alpha:G3}, momentum {Momentum:G3}, λ={WeightDecay:G3}");
}

/// <summary>The range checks Adam and AdamW share.</summary>
internal static class AdamChecks
{
    public static void Validate(string field, float beta1, float beta2, float epsilon, float weightDecay)
    {
        ConfigChecks.InRange(field + ".beta1", beta1, 0, 1, maxExclusive: true);
        ConfigChecks.InRange(field + ".beta2", beta2, 0, 1, maxExclusive: true);
        ConfigChecks.InRange(field + ".epsilon", epsilon, 0, 1);
        ConfigChecks.InRange(field + ".weightDecay", weightDecay, 0, 1);
    }
}
