using System.CommandLine;
using System.CommandLine.Parsing;
using Workbench.Experiments.Definitions;

namespace Workbench.Cli;

/// <summary>
/// What a command line that does not parse prints: the error, the valid options closest to each
/// unknown one, and one usage line, instead of the whole help text that would push the error off screen.
/// </summary>
internal static class ParseErrors
{
    /// <summary>Writes the errors of <paramref name="parse"/> to <paramref name="error"/>; returns the exit code.</summary>
    public static int Report(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command;
        foreach (var message in parse.Errors.Select(e => e.Message).Distinct()) error.WriteLine($"error: {message}");
        var known = KnownNames(parse.CommandResult).ToList();
        foreach (var token in parse.UnmatchedTokens.Where(t => t.StartsWith('-')).Distinct())
        {
            var closest = Closest(token, known);
            if (closest.Count > 0) error.WriteLine($"  did you mean {string.Join(" or ", closest)}?");
        }
        error.WriteLine($"usage: {Usage(parse.CommandResult)}   (add --help for every option)");
        return Cli.Failure;
    }

    /// <summary>The options (and their aliases) valid at this command, including those of its parents that apply to subcommands.</summary>
    private static IEnumerable<string> KnownNames(CommandResult result)
    {
        foreach (var option in result.Command.Options)
        {
            yield return option.Name;
            foreach (var alias in option.Aliases) yield return alias;
        }
        for (var parent = result.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
            foreach (var option in parent.Command.Options.Where(o => o.Recursive))
                yield return option.Name;
        foreach (var sub in result.Command.Subcommands) yield return sub.Name;
    }

    /// <summary>The names closest to <paramref name="token"/> (its part before any '='), at most three.</summary>
    internal static IReadOnlyList<string> Closest(string token, IEnumerable<string> names) => DidYouMean.Closest(token.Split('=')[0], names);

    private static string Usage(CommandResult result)
    {
        var path = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent) path.Insert(0, c.Command is RootCommand ? "workbench" : c.Command.Name);
        var arguments = result.Command.Arguments.Where(a => !a.Hidden).Select(a => $"<{a.Name}>");
        var hasOptions = result.Command.Options.Any(o => !o.Hidden);
        var hasSubcommands = result.Command.Subcommands.Count > 0;
        return string.Join(' ', path.Concat(hasSubcommands ? ["<command>"] : []).Concat(arguments).Concat(hasOptions ? ["[options]"] : []));
    }
}
