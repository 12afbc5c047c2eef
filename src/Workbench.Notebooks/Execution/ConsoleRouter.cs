using System.Text;

namespace Workbench.Notebooks;

/// <summary>
/// Sends Console.Out/Console.Error writes made from inside a running cell to that cell's
/// stream outputs; writes from anywhere else go on to the console as before. Routing by the
/// async flow (not by swapping Console.Out per cell) keeps concurrent runs apart.
/// </summary>
internal static class ConsoleRouter
{
    private static readonly object Gate = new();

    /// <summary>Installs the routing writers unless Console.Out/Error already are ones.</summary>
    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            // Someone (a test, a host) may have replaced a console writer since: wrap the new one.
            if (!Installed.Contains(Console.Out))
            {
                Console.SetOut(new RoutingWriter("stdout", Console.Out));
                Installed.Add(Console.Out);
            }
            if (!Installed.Contains(Console.Error))
            {
                Console.SetError(new RoutingWriter("stderr", Console.Error));
                Installed.Add(Console.Error);
            }
        }
    }

    // Console.SetOut wraps the writer in a synchronized one: remember the wrappers that are ours.
    private static readonly HashSet<TextWriter> Installed = new(ReferenceEqualityComparer.Instance);

    private sealed class RoutingWriter : TextWriter
    {
        private readonly string _stream;
        private readonly TextWriter _fallback;

        public RoutingWriter(string stream, TextWriter fallback)
        {
            _stream = stream;
            _fallback = fallback;
        }

        public override Encoding Encoding => _fallback.Encoding;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(string? value)
        {
            if (value is null) return;
            if (CellOutputs.Current is { } cell) cell.WriteStream(_stream, value);
            else _fallback.Write(value);
        }

        // Notebook text uses '\n' on every OS.
        public override void WriteLine(string? value)
        {
            if (CellOutputs.Current is { } cell) cell.WriteStream(_stream, (value ?? "") + "\n");
            else _fallback.WriteLine(value);
        }

        public override void WriteLine() => WriteLine("");

        public override void Flush()
        {
            if (CellOutputs.Current is null) _fallback.Flush();
        }
    }
}
