using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Workbench.Tests.Structure;

/// <summary>One type of a layer referring to a type of another layer, as the compiled IL shows it.</summary>
/// <param name="FromType">The top-level type whose code holds the reference (closures and state machines count as their enclosing type).</param>
/// <param name="ToType">The referenced type, nested types written <c>Outer+Inner</c>.</param>
internal sealed record LayerReference(string FromType, string FromLayer, string ToType, string ToLayer);

/// <summary>What a compiled assembly shows of its layers: the types each layer defines and the references between layers.</summary>
/// <param name="TypesByLayer">Top-level type names per layer; the layer "" holds types declared in the root namespace itself.</param>
internal sealed record LayerGraph(IReadOnlyDictionary<string, IReadOnlyList<string>> TypesByLayer, IReadOnlyList<LayerReference> References);

/// <summary>
/// Reads a compiled assembly with Mono.Cecil and lists, for every type in namespace <c>Root.Layer(.*)</c>, each type of another
/// layer of the same root that it really uses: base type, interfaces, generic arguments and constraints, field, property, event
/// and method signatures, custom attributes (and their <c>typeof</c> arguments), locals, catch clauses, and every type, method
/// and field token in method bodies. Reading IL rather than source text sees fully-qualified names, <c>using static</c>,
/// aliases and compiler-generated code alike.
/// </summary>
internal static class LayerReferences
{
    public static LayerGraph Read(string assemblyPath, string rootNamespace)
    {
        using var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(assemblyPath)!);
        resolver.AddSearchDirectory(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
        using var module = ModuleDefinition.ReadModule(assemblyPath, new ReaderParameters { AssemblyResolver = resolver });

        var types = new Dictionary<string, List<string>>();
        var references = new HashSet<LayerReference>();
        foreach (var type in module.GetTypes()) // nested types included
        {
            var fromLayer = LayerOf(type, rootNamespace);
            if (fromLayer is null) continue;
            var from = Outermost(type);
            if (type == from) (types.TryGetValue(fromLayer, out var list) ? list : types[fromLayer] = []).Add(Name(type));
            foreach (var element in UsedTypes(type).SelectMany(Elements))
            {
                var toLayer = LayerOf(element, rootNamespace);
                if (toLayer is not null && toLayer != fromLayer)
                    references.Add(new LayerReference(Name(from), fromLayer, Name(element), toLayer));
            }
        }
        return new LayerGraph(types.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value),
            references.OrderBy(reference => reference.FromType).ThenBy(reference => reference.ToType).ToList());
    }

    /// <summary>The layer of a type: the first namespace segment after the root, "" for the root namespace, null outside it.</summary>
    private static string? LayerOf(TypeReference type, string rootNamespace)
    {
        var ns = Outermost(type).Namespace;
        if (ns == rootNamespace) return "";
        return ns.StartsWith(rootNamespace + ".", StringComparison.Ordinal) ? ns[(rootNamespace.Length + 1)..].Split('.')[0] : null;
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static string Name(TypeReference type) => type.FullName.Replace('/', '+');

    /// <summary>Every type a definition mentions, possibly composite (arrays, generic instances); <see cref="Elements"/> takes them apart.</summary>
    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        if (type.BaseType is not null) yield return type.BaseType;
        foreach (var implemented in type.Interfaces) yield return implemented.InterfaceType;
        foreach (var used in Attributes(type).Concat(Constraints(type))) yield return used;
        foreach (var field in type.Fields)
        {
            yield return field.FieldType;
            foreach (var used in Attributes(field)) yield return used;
        }
        foreach (var property in type.Properties)
        {
            yield return property.PropertyType;
            foreach (var used in Attributes(property)) yield return used;
        }
        foreach (var @event in type.Events)
        {
            yield return @event.EventType;
            foreach (var used in Attributes(@event)) yield return used;
        }
        foreach (var method in type.Methods)
        foreach (var used in UsedTypes(method))
            yield return used;
    }

    private static IEnumerable<TypeReference> UsedTypes(MethodDefinition method)
    {
        foreach (var used in Signature(method).Concat(Attributes(method)).Concat(Attributes(method.MethodReturnType)).Concat(Constraints(method)))
            yield return used;
        foreach (var parameter in method.Parameters)
        foreach (var used in Attributes(parameter))
            yield return used;
        foreach (var overridden in method.Overrides)
        foreach (var used in Signature(overridden))
            yield return used;
        if (!method.HasBody) yield break;
        foreach (var variable in method.Body.Variables) yield return variable.VariableType;
        foreach (var handler in method.Body.ExceptionHandlers)
            if (handler.CatchType is not null) yield return handler.CatchType;
        foreach (var instruction in method.Body.Instructions)
        {
            var operands = instruction.Operand switch
            {
                TypeReference operand => [operand],
                MethodReference operand => Signature(operand),
                FieldReference operand => [operand.DeclaringType, operand.FieldType],
                CallSite operand => operand.Parameters.Select(parameter => parameter.ParameterType).Prepend(operand.ReturnType),
                _ => [],
            };
            foreach (var used in operands) yield return used;
        }
    }

    /// <summary>A method's declaring type, return and parameter types, and the type arguments of a generic instance method.</summary>
    private static IEnumerable<TypeReference> Signature(MethodReference method)
    {
        yield return method.DeclaringType;
        yield return method.ReturnType;
        foreach (var parameter in method.Parameters) yield return parameter.ParameterType;
        if (method is GenericInstanceMethod instance)
        {
            foreach (var argument in instance.GenericArguments) yield return argument;
            foreach (var used in Signature(instance.ElementMethod)) yield return used;
        }
    }

    private static IEnumerable<TypeReference> Constraints(IGenericParameterProvider provider) =>
        provider.GenericParameters.SelectMany(parameter => Attributes(parameter).Concat(
            parameter.Constraints.SelectMany(constraint => Attributes(constraint).Prepend(constraint.ConstraintType))));

    /// <summary>Attribute types and every type their arguments name (<c>[Foo(typeof(Bar))]</c>).</summary>
    private static IEnumerable<TypeReference> Attributes(ICustomAttributeProvider provider) =>
        provider.CustomAttributes.SelectMany(attribute => attribute.ConstructorArguments
            .Concat(attribute.Properties.Select(named => named.Argument))
            .Concat(attribute.Fields.Select(named => named.Argument))
            .SelectMany(ArgumentTypes)
            .Prepend(attribute.AttributeType));

    private static IEnumerable<TypeReference> ArgumentTypes(CustomAttributeArgument argument) => argument.Value switch
    {
        TypeReference type => [argument.Type, type],
        CustomAttributeArgument boxed => ArgumentTypes(boxed).Prepend(argument.Type),
        CustomAttributeArgument[] items => items.SelectMany(ArgumentTypes).Prepend(argument.Type),
        _ => [argument.Type],
    };

    /// <summary>The named types inside a composite one: <c>List&lt;Tensor[]&gt;</c> gives List`1 and Tensor; generic parameters give none.</summary>
    private static IEnumerable<TypeReference> Elements(TypeReference type) => type switch
    {
        GenericParameter => [],
        GenericInstanceType instance => instance.GenericArguments.SelectMany(Elements).Concat(Elements(instance.ElementType)),
        IModifierType modified => Elements(modified.ModifierType).Concat(Elements(((TypeSpecification)type).ElementType)),
        FunctionPointerType pointer => pointer.Parameters.Select(parameter => parameter.ParameterType).Prepend(pointer.ReturnType).SelectMany(Elements),
        TypeSpecification specification => Elements(specification.ElementType), // arrays, by-ref, pointers, pinned, sentinel
        _ => [type],
    };
}
