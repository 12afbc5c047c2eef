using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// Several named optimizers over disjoint parameters, held as one <see cref="Optimizer"/> so a trainer saves, restores
/// and schedules them together: its parameter groups are the members' groups in order, its state tensors are each
/// member's under <c>&lt;name&gt;.</c> (e.g. <c>discriminator.rmsprop.square_avg.0</c>). A model that runs its own step
/// (a model with its own training step) updates one member at a time with <see cref="StepMember"/>.
/// </summary>
/// <remarks>
/// The set's groups carry the learning rates: <see cref="StepMember"/> copies each of the member's groups' rate from the
/// set's before stepping, so a learning-rate schedule attached to the set reaches every member.
/// </remarks>
public sealed class OptimizerSet : Optimizer
{
    private readonly (string Name, Optimizer Optimizer, int FirstGroup)[] _members;

    /// <param name="members">Names (distinct, used in state names) and optimizers, over disjoint parameters.</param>
    public OptimizerSet(IReadOnlyList<(string Name, Optimizer Optimizer)> members)
        : base(MemberGroups(members), learningRate: 0f, weightDecay: 0f)
    {
        var list = new List<(string, Optimizer, int)>();
        int group = 0;
        foreach (var (name, optimizer) in members)
        {
            list.Add((name, optimizer, group));
            group += optimizer.Groups.Count;
        }
        _members = list.ToArray();
    }

    private static IEnumerable<ParameterGroup> MemberGroups(IReadOnlyList<(string Name, Optimizer Optimizer)> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("An optimizer set needs at least one member.", nameof(members));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, optimizer) in members)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('.')) throw new ArgumentException($"Member name '{name}' must be non-empty and without '.'.", nameof(members));
            if (!names.Add(name)) throw new ArgumentException($"Member name '{name}' appears twice.", nameof(members));
            ArgumentNullException.ThrowIfNull(optimizer);
            foreach (var group in optimizer.Groups)
                yield return new ParameterGroup(optimizer.Parameters.Skip(group.FirstParameter).Take(group.Count), (float)group.LearningRate, group.WeightDecay);
        }
    }

    /// <summary>The members' names, in order.</summary>
    public IReadOnlyList<string> Names => _members.Select(m => m.Name).ToArray();

    /// <summary>The member called <paramref name="name"/>.</summary>
    public Optimizer this[string name] => Member(name).Optimizer;

    /// <summary>Updates the parameters of member <paramref name="name"/> that have a gradient, at the set's current rates.</summary>
    public void StepMember(string name)
    {
        var (_, optimizer, firstGroup) = Member(name);
        for (int g = 0; g < optimizer.Groups.Count; g++) optimizer.Groups[g].LearningRate = Groups[firstGroup + g].LearningRate;
        optimizer.Step();
    }

    /// <summary>Steps every member.</summary>
    public override void Step()
    {
        foreach (var member in _members) StepMember(member.Name);
    }

    public override IReadOnlyDictionary<string, Tensor> StateTensors()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, optimizer, _) in _members)
            foreach (var (key, tensor) in optimizer.StateTensors()) state[name + "." + key] = tensor;
        return state;
    }

    public override void LoadStateTensors(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var unexpected = state.Keys.Where(k => !_members.Any(m => k.StartsWith(m.Name + ".", StringComparison.Ordinal))).ToList();
        if (unexpected.Count > 0)
            throw new ArgumentException($"Optimizer set state does not match: unexpected {string.Join(", ", unexpected.Select(k => $"'{k}'"))} " +
                $"(members: {string.Join(", ", Names)}).", nameof(state));
        foreach (var (name, optimizer, _) in _members)
        {
            string prefix = name + ".";
            optimizer.LoadStateTensors(state.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value));
        }
    }

    private (string Name, Optimizer Optimizer, int FirstGroup) Member(string name)
    {
        foreach (var member in _members) if (member.Name == name) return member;
        throw new ArgumentException($"No member '{name}' in this optimizer set (members: {string.Join(", ", Names)}).", nameof(name));
    }
}
