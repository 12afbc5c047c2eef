using System.CommandLine;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench demo</c>: a tiny end-to-end training run on generated data.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Train a small VAE on generated data end to end (a smoke test of the whole stack).");
        command.SetAction(_ =>
        {
            Console.WriteLine("demo: not yet available");
            return 0;
        });
        return command;
    }
}
