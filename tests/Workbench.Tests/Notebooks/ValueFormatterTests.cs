using Workbench.Display;
using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks
{
    public class ValueFormatterTests
    {
        [Fact]
        public void Format_TypeWithConventionFormatterSource_UsesItsHtml()
        {
            var bundle = ValueFormatter.Format(new ConventionFormatted.Swatch("teal"));

            Assert.Equal("<span style=\"color:teal\">teal</span>", bundle[ValueFormatter.Html]);
            Assert.Equal("Swatch teal", bundle[ValueFormatter.PlainText]);
        }

        [Fact]
        public void Format_DerivedType_FindsAttributeOnBaseType()
        {
            var bundle = ValueFormatter.Format(new ConventionFormatted.BrightSwatch("red"));

            Assert.Equal("<span style=\"color:red\">red</span>", bundle[ValueFormatter.Html]);
        }

        [Fact]
        public void Format_PreferredMimeTypes_RestrictsBundleToThemAndPlainText()
        {
            var bundle = ValueFormatter.Format(new ConventionFormatted.Ruler(3));

            Assert.Equal(["text/markdown", ValueFormatter.PlainText], bundle.Keys.ToArray());
            Assert.Equal("**3 cm**", bundle["text/markdown"]);
        }

        [Fact]
        public void Format_LibraryHtmlDisplayable_UsesToHtml()
        {
            var bundle = ValueFormatter.Format(new HtmlCard("<table><tr><td>1</td></tr></table>"));

            Assert.Equal("<table><tr><td>1</td></tr></table>", bundle[ValueFormatter.Html]);
            Assert.Equal("HtmlCard", bundle[ValueFormatter.PlainText]);
        }

        [Fact]
        public void Format_String_IsHtmlEncodedInPlaintextDiv()
        {
            var bundle = ValueFormatter.Format("a <b> \"c\"");

            Assert.Equal("<div class=\"dni-plaintext\"><pre>a &lt;b&gt; &quot;c&quot;</pre></div>", bundle[ValueFormatter.Html]);
            Assert.Equal("a <b> \"c\"", bundle[ValueFormatter.PlainText]);
        }

        [Fact]
        public void ToPlainText_Sequences_ListLikeDotNetInteractive()
        {
            Assert.Equal("[ 1, 2, 3 ]", ValueFormatter.ToPlainText(new List<int> { 1, 2, 3 }));
            Assert.Equal("[ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 ... (5 more) ]",
                         ValueFormatter.ToPlainText(Enumerable.Range(0, 25).ToArray()));
            Assert.Equal("[ 1.5, <null> ]", ValueFormatter.ToPlainText(new object?[] { 1.5, null }));
            Assert.EndsWith("... (more) ]", ValueFormatter.ToPlainText(Endless()));
        }

        [Fact]
        public void Format_ExplicitMimeTypes_OnlyThoseAreWritten()
        {
            var bundle = ValueFormatter.Format(42, [ValueFormatter.PlainText]);

            Assert.Equal([ValueFormatter.PlainText], bundle.Keys.ToArray());
            Assert.Equal("42", bundle[ValueFormatter.PlainText]);
        }

        private static IEnumerable<int> Endless()
        {
            for (var i = 0; ; i++) yield return i;
        }
    }

    [TypeFormatterSource(typeof(HtmlFormatterSource<HtmlCard>))]
    internal sealed class HtmlCard(string html) : IHtmlDisplayable
    {
        public string ToHtml() => html;

        public override string ToString() => nameof(HtmlCard);
    }
}

// A stand-in for a third-party library: its own attribute named TypeFormatterSourceAttribute,
// recognised by name only, with non-public formatter sources.
namespace Workbench.Tests.Notebooks.ConventionFormatted
{
    [AttributeUsage(AttributeTargets.Class)]
    internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
    {
        public Type FormatterSourceType { get; } = formatterSourceType;

        public string[]? PreferredMimeTypes { get; set; }
    }

    [TypeFormatterSource(typeof(SwatchFormatterSource))]
    internal class Swatch(string color)
    {
        public string Color { get; } = color;

        public override string ToString() => $"Swatch {Color}";
    }

    internal sealed class BrightSwatch(string color) : Swatch(color);

    internal sealed class SwatchFormatterSource
    {
        private SwatchFormatterSource() { }

        public IEnumerable<object> CreateTypeFormatters() => [new SwatchHtml()];

        private sealed class SwatchHtml
        {
            public string MimeType => "text/html";

            public bool Format(Swatch swatch, TextWriter writer)
            {
                writer.Write($"<span style=\"color:{swatch.Color}\">{swatch.Color}</span>");
                return true;
            }
        }
    }

    [TypeFormatterSource(typeof(RulerFormatterSource), PreferredMimeTypes = ["text/markdown"])]
    internal sealed record Ruler(int Centimetres);

    internal sealed class RulerFormatterSource
    {
        public IEnumerable<object> CreateTypeFormatters() => [new RulerMarkdown()];

        private sealed class RulerMarkdown
        {
            public string MimeType => "text/markdown";

            public bool Format(object instance, TextWriter writer)
            {
                writer.Write($"**{((Ruler)instance).Centimetres} cm**");
                return true;
            }
        }
    }
}
