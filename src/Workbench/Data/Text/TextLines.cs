using System.Text;

namespace Workbench.Data.Text;

/// <summary>
/// Reads a text file line by line, strictly: the file must exist, be UTF-8 (a byte-order mark is skipped), contain no
/// NUL byte (a binary file) and no line longer than <see cref="MaxLineCharacters"/>. Any problem throws one
/// <see cref="DataFileException"/> naming the file and the line; nothing is returned half-read.
/// </summary>
public static class TextLines
{
    /// <summary>The longest line accepted, in characters (a longer one is not a sentence: the file is likely not one sentence per line).</summary>
    public const int MaxLineCharacters = 10_000;

    /// <summary>The largest file accepted, in bytes (1 GiB).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>
    /// The lines of <paramref name="path"/> (line 1 first; <c>\n</c> or <c>\r\n</c> endings removed), none longer than
    /// <paramref name="maxLineCharacters"/> (default <see cref="MaxLineCharacters"/>).
    /// </summary>
    public static string[] Read(string path, int maxLineCharacters = MaxLineCharacters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new DataFileException(path, "is a folder, not a text file.");
        if (!File.Exists(path)) throw new DataFileException(path, "file not found.");
        long size = new FileInfo(path).Length;
        if (size > MaxFileBytes) throw new DataFileException(path, $"is {size:N0} bytes, over the limit of {MaxFileBytes:N0} for a text file.");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new DataFileException(path, $"cannot be read: {e.Message}", e); }

        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var lines = new List<string>();
        int start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        int lineNumber = 1;
        while (start < bytes.Length)
        {
            int newline = Array.IndexOf(bytes, (byte)'\n', start);
            int end = newline < 0 ? bytes.Length : newline;
            var line = bytes.AsSpan(start, end - start);
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            int nul = line.IndexOf((byte)0);
            if (nul >= 0)
                throw new DataFileException(path, $"line {lineNumber} contains a NUL byte (column {nul + 1}): a binary file, not text with one sentence per line.");
            string text;
            try { text = decoder.GetString(line); }
            catch (DecoderFallbackException e)
            {
                int column = e.Index >= 0 ? e.Index + 1 : 1;
                string bad = e.BytesUnknown is { Length: > 0 } unknown ? $"0x{unknown[0]:X2}" : "an invalid byte";
                throw new DataFileException(path, $"line {lineNumber} is not UTF-8 text ({bad} near byte {column}); save the file as UTF-8.", e);
            }
            if (text.Length > maxLineCharacters)
                throw new DataFileException(path, $"line {lineNumber} is {text.Length:N0} characters long, over the limit of {maxLineCharacters:N0} for one line.");
            lines.Add(text);
            lineNumber++;
            if (newline < 0) break;
            start = newline + 1;
        }
        return lines.ToArray();
    }
}
