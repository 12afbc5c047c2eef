using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Workbench.Experiments.Composed;

/// <summary>
/// A hash of the compiled code a user's type runs: the IL of every method and constructor declared on the
/// type, on its base types and nested types (lambdas and local functions live there), and on every user
/// type those bodies call or create, followed transitively. Code of the Workbench library and of .NET
/// itself is left out: it belongs to the Workbench version, as it does for a configured model.
/// </summary>
/// <remarks>
/// Metadata tokens in the IL are replaced by the names they stand for (member, declaring type, signature,
/// string literal), so the hash depends on the code and not on where the compiler numbered its references:
/// an unrelated edit elsewhere in the same assembly, or the same notebook cell compiled into another
/// submission, leaves it unchanged.
/// </remarks>
internal static class CodeFingerprint
{
    private static readonly Assembly Library = typeof(CodeFingerprint).Assembly;
    private static readonly string RuntimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";

    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    /// <summary>True for a type whose code is the user's: neither the Workbench library's nor .NET's.</summary>
    public static bool IsUserType(Type type)
    {
        var assembly = type.Assembly;
        if (assembly == Library || type.IsArray || type.IsPointer || type.IsByRef) return false;
        // Assemblies loaded from bytes (notebook cells) have no location: they are user code.
        return assembly.IsDynamic || assembly.Location.Length == 0 || !string.Equals(Path.GetDirectoryName(assembly.Location), RuntimeDirectory, StringComparison.Ordinal);
    }

    /// <summary>
    /// SHA-256 (lower-case hex) of the user code <paramref name="type"/> runs, or null when the type and
    /// its bases are all Workbench's or .NET's (their code is fixed by the versions in use).
    /// </summary>
    public static string? Of(Type type) => Cache.GetValue(type, t => new StrongBox<string?>(Compute(t))).Value;

    // A type's code cannot change while the process runs (a re-compiled notebook cell is a new type).
    private static readonly ConditionalWeakTable<Type, StrongBox<string?>> Cache = new();

    private static string? Compute(Type type)
    {
        var roots = new List<Type>();
        for (var t = type; t is not null && IsUserType(t); t = t.BaseType) roots.Add(Definition(t));
        if (roots.Count == 0) return null;

        var methods = new Dictionary<string, MethodBase>(StringComparer.Ordinal);
        var pending = new Queue<MethodBase>();
        var types = new HashSet<Type>();
        void AddType(Type t)
        {
            t = Definition(t);
            if (!IsUserType(t) || !types.Add(t)) return;
            foreach (var method in t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared))) pending.Enqueue(method);
            foreach (var nested in t.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic)) AddType(nested);
        }
        foreach (var root in roots) AddType(root);

        while (pending.Count > 0)
        {
            var method = pending.Dequeue();
            var key = Signature(method);
            if (!methods.TryAdd(key, method)) continue;
            foreach (var referenced in References(method))
            {
                if (referenced is ConstructorInfo or Type) AddType(referenced as Type ?? referenced.DeclaringType!);
                else if (referenced is MethodBase called && called.DeclaringType is { } owner && IsUserType(owner))
                    pending.Enqueue(called is MethodInfo { IsGenericMethod: true } generic ? generic.GetGenericMethodDefinition() : called);
            }
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, method) in methods.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key + "\n"));
            hash.AppendData(Encoding.UTF8.GetBytes(Body(method) + "\n"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The method's IL with every token written as the name it refers to, and its local variables' types.</summary>
    private static string Body(MethodBase method)
    {
        MethodBody? body;
        try { body = method.GetMethodBody(); }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException) { return "(no readable body)"; }
        if (body?.GetILAsByteArray() is not { } il) return "(no body)";
        var text = new StringBuilder();
        text.Append("locals:").AppendJoin(",", body.LocalVariables.Select(l => Name(l.LocalType))).Append('\n');
        foreach (var clause in body.ExceptionHandlingClauses)
            text.Append(clause.Flags).Append(' ').Append(clause.TryOffset).Append('+').Append(clause.TryLength).Append(' ')
                .Append(clause.HandlerOffset).Append('+').Append(clause.HandlerLength)
                .Append(clause.Flags == ExceptionHandlingClauseOptions.Clause ? " " + Name(clause.CatchType) : "").Append('\n');
        foreach (var (opCode, operand, token) in Instructions(il))
        {
            text.Append(opCode.Name);
            if (token is { } t) text.Append(' ').Append(Resolve(method, opCode, t));
            else if (operand.Length > 0) text.Append(' ').Append(Convert.ToHexString(operand));
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The members and types the method's IL refers to (calls, object creations, field and type tokens).</summary>
    private static IEnumerable<MemberInfo> References(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException) { yield break; }
        if (il is null) yield break;
        foreach (var (opCode, _, token) in Instructions(il))
        {
            if (token is not { } t || opCode.OperandType is OperandType.InlineString or OperandType.InlineSig) continue;
            if (ResolveMember(method, t) is { } member) yield return member;
        }
    }

    private static string Resolve(MethodBase method, OpCode opCode, int token)
    {
        try
        {
            return opCode.OperandType switch
            {
                OperandType.InlineString => "\"" + method.Module.ResolveString(token) + "\"",
                OperandType.InlineSig => "sig " + Convert.ToHexString(method.Module.ResolveSignature(token)),
                _ => ResolveMember(method, token) is { } member ? Describe(member) : $"token {token:x8}",
            };
        }
        catch (ArgumentException) { return $"token {token:x8}"; }
    }

    private static MemberInfo? ResolveMember(MethodBase method, int token)
    {
        try
        {
            var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
            var methodArguments = method is MethodInfo { IsGenericMethod: true } m ? m.GetGenericArguments() : null;
            return method.Module.ResolveMember(token, typeArguments, methodArguments);
        }
        catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException) { return null; }
    }

    private static string Describe(MemberInfo member) => member switch
    {
        Type type => Name(type),
        MethodBase method => Signature(method),
        FieldInfo field => $"{Name(field.DeclaringType)}::{field.Name}: {Name(field.FieldType)}",
        _ => $"{Name(member.DeclaringType)}::{member.Name}",
    };

    /// <summary><c>Namespace.Type::Name(ParameterTypes): ReturnType</c>, with generic arguments.</summary>
    private static string Signature(MethodBase method)
    {
        var generic = method is MethodInfo { IsGenericMethod: true } m ? "<" + string.Join(",", m.GetGenericArguments().Select(Name)) + ">" : "";
        var returns = method is MethodInfo info ? ": " + Name(info.ReturnType) : "";
        return $"{Name(method.DeclaringType)}::{method.Name}{generic}({string.Join(",", method.GetParameters().Select(p => Name(p.ParameterType)))}){returns}";
    }

    /// <summary>
    /// A type's full name with its generic arguments, but without assembly names (.NET's carry its version) or the
    /// notebook's submission numbers (a re-executed cell compiles into a new submission).
    /// </summary>
    internal static string Name(Type? type)
    {
        if (type is null) return "?";
        if (type.IsGenericParameter) return type.Name;
        if (type.HasElementType)
        {
            var element = Name(type.GetElementType());
            return type.IsArray ? element + "[" + new string(',', type.GetArrayRank() - 1) + "]" : element + (type.IsByRef ? "&" : "*");
        }
        var name = type.IsNested ? Name(type.DeclaringType) + "+" + type.Name : (type.Namespace is { } ns ? ns + "." : "") + type.Name;
        if (type.IsConstructedGenericType) name += "[" + string.Join(",", type.GetGenericArguments().Select(Name)) + "]";
        return SubmissionNumber.Replace(name, "Submission");
    }

    private static readonly Regex SubmissionNumber = new(@"Submission#\d+", RegexOptions.Compiled);

    private static Type Definition(Type type) => type.IsGenericType && !type.IsGenericTypeDefinition ? type.GetGenericTypeDefinition() : type;

    // IL decoding ----------------------------------------------------------------------------------------

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>Each instruction with its raw operand; <c>Token</c> is set for operands that are metadata tokens.</summary>
    private static IEnumerable<(OpCode OpCode, byte[] Operand, int? Token)> Instructions(byte[] il)
    {
        int position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE && position < il.Length) value = unchecked((short)(0xFE00 | il[position++]));
            if (!OpCodesByValue.TryGetValue(value, out var opCode))
            {
                yield return (OpCodes.Nop, il[(position - 1)..], null); // undecodable: hash the rest as bytes
                yield break;
            }
            int size = opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * (position + 4 <= il.Length ? BitConverter.ToInt32(il, position) : 0),
                _ => 4,
            };
            size = Math.Min(size, il.Length - position);
            var operand = il[position..(position + size)];
            position += size;
            bool isToken = size == 4 && opCode.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType
                or OperandType.InlineTok or OperandType.InlineString or OperandType.InlineSig;
            yield return (opCode, operand, isToken ? BitConverter.ToInt32(operand) : null);
        }
    }
}
