using System.Reflection;
using Workbench.Display;
using Xunit;

namespace Workbench.Tests.Display;

/// <summary>
/// A notebook kernel shows a value through the formatter its type names; without one it falls back to a
/// property tree of the object. Every library type that renders itself as HTML must name its formatter.
/// </summary>
public class DisplayableFormattersTests
{
    [Fact]
    public void EveryHtmlDisplayableType_NamesItsHtmlFormatterSource()
    {
        var displayable = typeof(IHtmlDisplayable).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && !t.IsInterface && typeof(IHtmlDisplayable).IsAssignableFrom(t))
            .ToList();
        Assert.NotEmpty(displayable);
        var missing = displayable
            .Where(t => FormatterSource(t) != typeof(HtmlFormatterSource<>).MakeGenericType(t))
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(missing);
    }

    /// <summary>The formatter source a type's [TypeFormatterSource] names (the attribute is matched by name, as the kernel does); null without one.</summary>
    private static Type? FormatterSource(Type type)
    {
        var attribute = type.GetCustomAttributes(inherit: false).FirstOrDefault(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        return attribute?.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute) as Type;
    }
}
