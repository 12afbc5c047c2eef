using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// Compiles a tiny class library on the fly, standing in for a real dll a notebook #r's: a
/// Badge type carrying its own internal TypeFormatterSourceAttribute, as a library without any
/// .NET Interactive dependency would.
/// </summary>
internal static class BadgeLibrary
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.IO;

        namespace Badges;

        [AttributeUsage(AttributeTargets.Class)]
        internal sealed class TypeFormatterSourceAttribute : Attribute
        {
            public TypeFormatterSourceAttribute(Type formatterSourceType) => FormatterSourceType = formatterSourceType;
            public Type FormatterSourceType { get; }
        }

        internal sealed class BadgeFormatterSource
        {
            public IEnumerable<object> CreateTypeFormatters() { yield return new BadgeHtml(); }
        }

        internal sealed class BadgeHtml
        {
            public string MimeType => "text/html";
            public bool Format(object instance, TextWriter writer)
            {
                writer.Write("<b class=\"badge\">" + ((Badge)instance).Text + "</b>");
                return true;
            }
        }

        [TypeFormatterSource(typeof(BadgeFormatterSource))]
        public sealed class Badge
        {
            public Badge(string text) => Text = text;
            public string Text { get; }
            public override string ToString() => "Badge " + Text;
        }
        """;

    public static void Compile(string path)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll" or "netstandard.dll" or "System.Collections.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            Path.GetFileNameWithoutExtension(path),
            [CSharpSyntaxTree.ParseText(Source)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var emitted = compilation.Emit(path);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
    }
}
