namespace Workbench.Display;

/// <summary>
/// Names the formatter source that renders a type in a notebook. .NET Interactive (and the
/// Workbench headless runner) find this attribute by its class name alone, so the library needs
/// no reference to Microsoft.DotNet.Interactive: the kernel creates
/// <see cref="FormatterSourceType"/> with its parameterless constructor, calls its
/// <c>CreateTypeFormatters()</c> and uses each formatter's <c>MimeType</c> and
/// <c>bool Format(object, TextWriter)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = true)]
internal sealed class TypeFormatterSourceAttribute : Attribute
{
    public TypeFormatterSourceAttribute(Type formatterSourceType) => FormatterSourceType = formatterSourceType;

    /// <summary>The type whose <c>CreateTypeFormatters()</c> yields the formatters.</summary>
    public Type FormatterSourceType { get; }

    /// <summary>MIME types to show by default, e.g. <c>["text/html"]</c>; null for the kernel's default.</summary>
    public string[]? PreferredMimeTypes { get; set; }
}
