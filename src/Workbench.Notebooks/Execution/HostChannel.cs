using System.IO.Pipes;
using System.Text;

namespace Workbench.Notebooks;

/// <summary>
/// The private channel on which the kernel host sends its <see cref="HostProtocol"/> lines to the
/// runner: a named pipe (a Unix domain socket on Linux and macOS) with a random name, open to the
/// current user only, that accepts one connection: the host's, made before any cell runs. Cells
/// and the processes they start share the host's standard output, never this channel (its handle is
/// not inherited), so whatever they print is output, not a message to the runner.
/// </summary>
internal sealed class HostChannel : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly NamedPipeServerStream _server;

    private HostChannel(string name)
    {
        Name = name;
        _server = new NamedPipeServerStream(name, PipeDirection.In, maxNumberOfServerInstances: 1, PipeTransmissionMode.Byte,
            PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
    }

    /// <summary>The pipe's name, given to the host on its command line.</summary>
    public string Name { get; }

    /// <summary>Opens a channel under a fresh random name, for the runner to listen on.</summary>
    // Short: on Unix the name becomes a socket path under the temporary folder, limited to 104 bytes on macOS.
    public static HostChannel Open() => new("workbench-" + Guid.NewGuid().ToString("N")[..16]);

    /// <summary>
    /// Waits for the host to connect; null when <paramref name="hostExited"/> completes first (the
    /// host ended before it could report anything). Otherwise a reader of the host's lines.
    /// </summary>
    public async Task<TextReader?> AcceptAsync(Task hostExited)
    {
        using var giveUp = new CancellationTokenSource();
        var connection = _server.WaitForConnectionAsync(giveUp.Token);
        if (await Task.WhenAny(connection, hostExited) != connection)
        {
            await giveUp.CancelAsync();
            try { await connection; } catch (OperationCanceledException) { }
            if (!_server.IsConnected) return null;
        }
        await connection;
        return new StreamReader(_server, Utf8, detectEncodingFromByteOrderMarks: false);
    }

    /// <summary>The host's end: connects to the runner's channel <paramref name="name"/> and returns a writer that sends each line at once.</summary>
    public static TextWriter Connect(string name, TimeSpan timeout)
    {
        var client = new NamedPipeClientStream(".", name, PipeDirection.Out, PipeOptions.CurrentUserOnly);
        client.Connect(timeout);
        return new StreamWriter(client, Utf8) { AutoFlush = true };
    }

    public void Dispose() => _server.Dispose();
}
