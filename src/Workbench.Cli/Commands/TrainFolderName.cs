using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Workbench.Cli.Commands;

/// <summary>
/// The default experiment folder of <c>workbench train</c>: named after the variant and every flag the
/// user gave (<c>train-beta-vae-beta4-epochs5</c>), so two trainings with different settings never
/// land in the same folder, and the same command again resumes or skips its own run.
/// </summary>
internal static class TrainFolderName
{
    /// <summary>Flags that choose where things go or how they are drawn, not what is trained.</summary>
    private static readonly HashSet<string> NotSettings = ["--output", "--no-png", "--data-dir", "--variant"];

    public static string For(string variant, ParseResult parse, IEnumerable<Option> options)
    {
        var name = new StringBuilder("train-").Append(variant);
        foreach (var option in options)
        {
            if (NotSettings.Contains(option.Name) || parse.GetResult(option) is not { Implicit: false } given) continue;
            var value = string.Join("x", given.Tokens.Select(t => t.Value));
            name.Append('-').Append(option.Name.TrimStart('-'));
            if (value.Length > 0) name.Append(Clean(value));
        }
        return name.ToString();
    }

    /// <summary>Keeps a value safe in a folder name on every OS: letters, digits, '.', '-' and '_'.</summary>
    private static string Clean(string value) =>
        string.Concat(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c.ToString(CultureInfo.InvariantCulture) : "_"));
}
