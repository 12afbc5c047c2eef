using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Workbench.NN;
using Module = Workbench.NN.Module;
using Workbench.Tensors;

namespace Workbench.Experiments.Composed;

/// <summary>
/// Every setting of an object as JSON: the value of each of its fields (public or not, those of its base
/// types too), described recursively — numbers, strings and enums as themselves, nested objects as their
/// type, code and fields, collections element by element (a long array of numbers by its length and hash),
/// tensors by their name in the model's state or by a hash of their values, delegates by their method and
/// its code. What a module prints (<c>ExtraRepr</c>) plays no part: a field is a setting whether or not it is shown.
/// </summary>
/// <param name="modules">The model's modules by object, written as <c>module:&lt;name&gt;</c> wherever they are referred to.</param>
/// <param name="state">The model's parameters and buffers by object, written as <c>state:&lt;name&gt;</c>.</param>
internal sealed class SettingsDescription(IReadOnlyDictionary<Module, string> modules, IReadOnlyDictionary<Tensor, string> state)
{
    private const int MaxDepth = 12;
    private const int LongArray = 16;
    private static readonly BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic;
    private readonly HashSet<object> _path = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// <paramref name="value"/>'s type, its code hash when the type is the user's (<see cref="CodeFingerprint"/>)
    /// and its settings (fields); a module's own fields only, its children being parts of their own.
    /// </summary>
    public JsonObject DescribeObject(object value)
    {
        var type = value.GetType();
        var description = new JsonObject { ["type"] = CodeFingerprint.Name(type) };
        if (CodeFingerprint.Of(type) is { } code) description["code"] = code;
        _path.Add(value);
        try { description["settings"] = Fields(value, type, 0); }
        finally { _path.Remove(value); }
        return description;
    }

    private JsonObject Fields(object value, Type type, int depth)
    {
        var fields = new JsonObject();
        for (var t = type; t is not null && t != typeof(object) && t != typeof(Module) && t != typeof(ValueType); t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Module<,>)) continue;
            foreach (var field in t.GetFields(Declared | BindingFlags.Instance))
                Add(fields, FieldName(field), Describe(field.GetValue(value), depth + 1));
            // A user's static fields are settings too (a scale kept in a static); a constant is in the code already.
            if (!CodeFingerprint.IsUserType(t)) continue;
            foreach (var field in t.GetFields(Declared | BindingFlags.Static).Where(f => !f.IsLiteral && !f.Name.StartsWith('<')))
                Add(fields, "static " + field.Name, Describe(field.GetValue(null), depth + 1));
        }
        return fields;
    }

    /// <summary>A field hidden by one of the same name further down the hierarchy keeps its declaring type in its name.</summary>
    private static void Add(JsonObject fields, string name, JsonNode? value)
    {
        var key = name;
        for (int i = 2; fields.ContainsKey(key); i++) key = $"{name}#{i}";
        fields[key] = value;
    }

    /// <summary>The property or parameter a compiler-made field stands for: <c>&lt;Scale&gt;k__BackingField</c> → Scale, <c>&lt;scale&gt;P</c> → scale.</summary>
    private static string FieldName(FieldInfo field)
    {
        var name = field.Name;
        if (name.StartsWith('<') && name.IndexOf('>') is > 1 and var end) return name[1..end];
        return name;
    }

    private JsonNode? Describe(object? value, int depth)
    {
        switch (value)
        {
            case null: return null;
            case string or bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or decimal:
                return JsonValue.Create(value);
            case double d: return double.IsFinite(d) ? JsonValue.Create(d) : d.ToString(CultureInfo.InvariantCulture);
            case float f: return float.IsFinite(f) ? JsonValue.Create(f) : f.ToString(CultureInfo.InvariantCulture);
            case Half h: return Describe((float)h, depth);
            case Enum e: return e.ToString();
            case Type t: return "type " + CodeFingerprint.Name(t);
            case Tensor tensor:
                return state.TryGetValue(tensor, out var stateName) ? "state:" + stateName
                    : $"tensor {Tensor.ShapeText(tensor.Dims)} sha256:{Hash(tensor.ToArray())}";
            case Module module when modules.TryGetValue(module, out var moduleName): return "module:" + moduleName;
            case Delegate function: return DescribeDelegate(function, depth);
            case Pointer or IntPtr or UIntPtr: return value.GetType().Name;
        }
        var type = value.GetType();
        if (depth > MaxDepth) return "(deeper than " + MaxDepth + " levels) " + CodeFingerprint.Name(type);
        if (!_path.Add(value)) return "(refers back to its owner) " + CodeFingerprint.Name(type);
        try
        {
            if (value is IDictionary dictionary)
            {
                var entries = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                    Add(entries, Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "null", Describe(entry.Value, depth + 1));
                return entries;
            }
            // Collections element by element; a user's own enumerable (perhaps lazy, or endless) by its fields.
            if (value is IEnumerable sequence && (value is Array or ICollection || !IsUserOrLibrary(type)))
                return DescribeSequence(sequence, depth);
            if (!IsUserOrLibrary(type))
                // A .NET object (a TimeSpan, a lock): its text when it is a value, else its type.
                return type.IsValueType ? Convert.ToString(value, CultureInfo.InvariantCulture) : CodeFingerprint.Name(type);
            var description = new JsonObject { ["type"] = CodeFingerprint.Name(type) };
            if (CodeFingerprint.Of(type) is { } code) description["code"] = code;
            description["settings"] = Fields(value, type, depth);
            return description;
        }
        finally { _path.Remove(value); }
    }

    private JsonNode DescribeSequence(IEnumerable sequence, int depth)
    {
        var items = sequence.Cast<object?>().ToList();
        if (items.Count > LongArray && items.All(i => i is ValueType && i.GetType().IsPrimitive))
            return $"{items.Count} values sha256:{Hash(items.Select(i => Convert.ToDouble(i, CultureInfo.InvariantCulture)).ToArray())}";
        return new JsonArray(items.Select(i => Describe(i, depth + 1)).ToArray());
    }

    /// <summary>A delegate's method, the code of the type declaring it and the object it is bound to; a multicast delegate as the list of them.</summary>
    private JsonNode DescribeDelegate(Delegate function, int depth)
    {
        var list = function.GetInvocationList();
        if (list.Length > 1) return new JsonArray(list.Select(d => DescribeDelegate(d, depth)).ToArray());
        var method = function.Method;
        var description = new JsonObject { ["method"] = $"{CodeFingerprint.Name(method.DeclaringType)}::{method.Name}" };
        if (method.DeclaringType is { } owner && CodeFingerprint.Of(owner) is { } code) description["code"] = code;
        if (function.Target is { } target) description["target"] = Describe(target, depth + 1);
        return description;
    }

    /// <summary>Workbench's types and the user's are described field by field; .NET's are not.</summary>
    private static bool IsUserOrLibrary(Type type) => type.Assembly == typeof(Module).Assembly || CodeFingerprint.IsUserType(type);

    private static string Hash<T>(T[] values) where T : unmanaged =>
        Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())))[..16];
}
