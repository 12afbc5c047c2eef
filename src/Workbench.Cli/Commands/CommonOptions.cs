using System.CommandLine;
using Workbench.Plotting;
using Workbench.Rendering;

namespace Workbench.Cli.Commands;

/// <summary>Options and arguments several commands share, so they read and validate the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<bool> NoPng() => new("--no-png")
    {
        Description = "Write figures as HTML only; skip PNG export through headless Chromium (/usr/bin/chromium).",
    };

    public static Option<bool> RerunChanged() => new("--rerun-changed")
    {
        Description = "A run folder trained with another configuration than the one requested is moved to <experiment>/.stale/ and the run trains again (without it, such a folder is an error).",
    };

    /// <summary>A Chromium exporter, or none with --no-png; the caller disposes it.</summary>
    public static ChromiumFigureExporter? Exporter(bool noPng) => noPng ? null : new ChromiumFigureExporter();

    public static Argument<string> RunFolder() => new("run-folder")
    {
        Description = "A finished run's folder (results/<experiment>/<run>), or an experiment folder holding a single run.",
    };

    /// <summary>An int option that must be at least <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(string name, int minimum, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < minimum) result.AddError($"{name} must be at least {minimum}.");
        });
        return option;
    }

    /// <summary>Output of the command (the console, or a writer given to <see cref="Cli.Invoke"/>).</summary>
    public static TextWriter Out(ParseResult parse) => parse.InvocationConfiguration.Output;

    public static void WriteNotes(TextWriter output, IEnumerable<string> notes)
    {
        foreach (var note in notes) output.WriteLine($"note: {note}");
    }
}
