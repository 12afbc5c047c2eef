using System.Text;

namespace Workbench.Data.Text;

/// <summary>
/// Splits a sentence into lower-cased words and punctuation marks, the way the sequence datasets see text.
/// </summary>
/// <remarks>
/// A word is a run of letters and digits; an apostrophe or hyphen between two letters or digits stays inside
/// the word ("don't", "well-known"), and so does a full stop between two digits ("1.5"). Every other character
/// that is neither a letter, a digit nor white space is a token of its own ("(", ",", "`"). Text is lower-cased
/// with the invariant culture, so the result does not depend on the machine's locale.
/// </remarks>
public static class Tokenizer
{
    /// <summary>The tokens of <paramref name="text"/>, lower-cased, in order (empty for blank text).</summary>
    public static string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var word = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }
            if (word.Length > 0 && i + 1 < text.Length && IsJoiner(c, word[^1], text[i + 1]))
            {
                word.Append(c);
                continue;
            }
            if (word.Length > 0) { tokens.Add(word.ToString()); word.Clear(); }
            if (!char.IsWhiteSpace(c) && !char.IsControl(c)) tokens.Add(c.ToString());
        }
        if (word.Length > 0) tokens.Add(word.ToString());
        return tokens.ToArray();
    }

    /// <summary>
    /// Joins tokens back into readable text: one space between tokens, none before closing punctuation
    /// (<c>, . ; : ! ? ) '</c>) and none after an opening bracket or backquote.
    /// </summary>
    public static string Detokenize(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var text = new StringBuilder();
        bool glueNext = true;
        foreach (var token in tokens)
        {
            bool closing = token.Length == 1 && ",.;:!?)]}'".Contains(token[0]);
            if (!glueNext && !closing) text.Append(' ');
            text.Append(token);
            glueNext = token.Length == 1 && "([{`".Contains(token[0]);
        }
        return text.ToString();
    }

    // An apostrophe or hyphen joins letters/digits on both sides; a full stop joins digits ("1.5").
    private static bool IsJoiner(char c, char before, char after) =>
        char.IsLetterOrDigit(after) && (c is '\'' or '-' || (c == '.' && char.IsDigit(before) && char.IsDigit(after)));
}
