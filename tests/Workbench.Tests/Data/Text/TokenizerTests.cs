using Workbench.Data.Text;

namespace Workbench.Tests.Data.Text;

public class TokenizerTests
{
    [Theory]
    [InlineData("A Small Dog", new[] { "a", "small", "dog" })]
    [InlineData("(usually followed by `to')", new[] { "(", "usually", "followed", "by", "`", "to", "'", ")" })]
    [InlineData("a well-known man's hat, 1.5 metres.", new[] { "a", "well-known", "man's", "hat", ",", "1.5", "metres", "." })]
    [InlineData("  end.  Then -- more ", new[] { "end", ".", "then", "-", "-", "more" })]
    [InlineData("Éclair über\tnaïve", new[] { "éclair", "über", "naïve" })]
    [InlineData("e.g. U.S.", new[] { "e", ".", "g", ".", "u", ".", "s", "." })]
    [InlineData("", new string[0])]
    [InlineData(" \t ", new string[0])]
    public void Tokenize_Sentence_GivesLowerCasedWordsAndPunctuation(string text, string[] expected) =>
        Assert.Equal(expected, Tokenizer.Tokenize(text));

    [Fact]
    public void Tokenize_HyphenOrApostropheAtAWordsEdge_IsATokenOfItsOwn() =>
        Assert.Equal(["-", "a", "'", "b", "-"], Tokenizer.Tokenize("-a' b-"));

    [Fact]
    public void Detokenize_Tokens_GluesPunctuationToItsWord() =>
        Assert.Equal("a dog (a pet), 1.5 m; `to' go.", Tokenizer.Detokenize(Tokenizer.Tokenize("a dog (a pet), 1.5 m; `to' go.")));
}
