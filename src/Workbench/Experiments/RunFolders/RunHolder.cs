using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.IO;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// <c>.holder.json</c> in a run folder: which process holds the folder's lock and which configuration it trains,
/// written right after the lock is taken and removed before it is released. Another process that finds the folder
/// locked reads it to tell "the same run is in progress elsewhere" from "another configuration is being trained here".
/// </summary>
/// <param name="ProcessId">The holder's process id (on <paramref name="Host"/>).</param>
/// <param name="Host">The machine it runs on (sweeps on a cluster share the folder across nodes).</param>
/// <param name="Since">When it took the lock.</param>
/// <param name="Identity">The configuration it trains.</param>
public sealed record RunHolder(int ProcessId, string Host, DateTimeOffset Since, RunIdentity Identity)
{
    public const string FileName = ".holder.json";

    /// <summary>"process 1234 on node7", for messages.</summary>
    public string Describe() => $"process {ProcessId} on {Host}, since {Since:yyyy-MM-dd HH:mm:ss}Z";

    /// <summary>Records this process as the holder of <paramref name="runFolder"/>, training <paramref name="identity"/> (atomically).</summary>
    internal static void Write(string runFolder, RunIdentity identity) =>
        AtomicFile.WriteAllText(Path.Combine(runFolder, FileName), new JsonObject
        {
            ["processId"] = Environment.ProcessId,
            ["host"] = Environment.MachineName,
            ["since"] = DateTimeOffset.UtcNow.ToString("O"),
            ["hash"] = identity.Hash,
            ["configuration"] = identity.Configuration.DeepClone(),
        }.ToJsonString(ExperimentJson.Options) + "\n");

    /// <summary>The recorded holder of <paramref name="runFolder"/>, or null when none is recorded (or the record is unreadable).</summary>
    public static RunHolder? Read(string runFolder)
    {
        var path = Path.Combine(runFolder, FileName);
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject o && o["configuration"] is JsonObject configuration && o["hash"]?.GetValue<string>() is { } hash)
                return new RunHolder(o["processId"]?.GetValue<int>() ?? 0, o["host"]?.GetValue<string>() ?? "?",
                    DateTimeOffset.TryParse(o["since"]?.GetValue<string>(), out var since) ? since : default,
                    new RunIdentity((JsonObject)configuration.DeepClone(), hash));
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or FormatException or UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>
    /// The holder of <paramref name="runFolder"/> when a process holds its lock now, or null: no record, or a record
    /// left by a process killed before it could remove it (the lock is free). Probing takes a free lock for an
    /// instant, as <c>workbench status</c> does.
    /// </summary>
    public static RunHolder? Live(string runFolder)
    {
        if (Read(runFolder) is not { } holder) return null;
        try
        {
            using var probe = new FileStream(Path.Combine(runFolder, RunFolder.LockFile), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
            return null;
        }
        catch (FileNotFoundException) { return null; }
        catch (IOException e) when (FolderLock.IsHeldByAnother(e)) { return holder; }
    }

    /// <summary>Removes the record (before the lock is released).</summary>
    internal static void Remove(string runFolder)
    {
        try { File.Delete(Path.Combine(runFolder, FileName)); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
