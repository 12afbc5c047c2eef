using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Data;
using Workbench.Data.Files;
using Workbench.Cli.Sweeps;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// <c>workbench bench data-memory</c>: the peak memory of loading a uint8 .npy of about 1 GB and iterating one epoch over it
/// (batches of 128, shuffled), in a fresh child process per way of holding the images: as bytes (the default), as floats
/// (what holding them as floats would cost: the baseline), and memory-mapped. Each child reports its peak resident set
/// (VmHWM from /proc/self/status) and the largest anonymous resident memory seen (RssAnon, sampled), which leaves out the
/// mapped file's pages the operating system can drop. The file is generated in a temporary folder and deleted after.
/// </summary>
internal static class DataMemoryBenchmark
{
    /// <summary>The modes, in the order they run.</summary>
    public static readonly string[] Modes = ["bytes", "floats", "mapped"];

    private const int Side = 64, BatchSize = 128;

    public static int Run(int megabytes, string? output, TextWriter console)
    {
        if (!File.Exists("/proc/self/status")) { console.WriteLine("bench data-memory: needs Linux (/proc/self/status)."); return 1; }
        long images = (long)megabytes * 1024 * 1024 / (Side * Side);
        var folder = Path.Combine(Path.GetTempPath(), "workbench-data-memory-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var file = Path.Combine(folder, "images.npy");
            WriteFile(file, images);
            console.WriteLine($"{file}: {images:N0} uint8 images of {Side}×{Side}, {new FileInfo(file).Length / 1e9:F2} GB");
            var results = new JsonObject();
            foreach (var mode in Modes)
            {
                var child = RunChild(mode, file);
                results[mode] = child;
                console.WriteLine($"  {mode,-7} peak resident {child["peakResidentMiB"]} MiB, peak anonymous {child["peakAnonymousMiB"]} MiB, " +
                                  $"load {child["loadSeconds"]} s, epoch {child["epochSeconds"]} s");
            }
            var report = new JsonObject
            {
                ["command"] = $"workbench bench data-memory --megabytes {megabytes}",
                ["images"] = images,
                ["imageShape"] = $"{Side}×{Side}",
                ["fileBytes"] = new FileInfo(file).Length,
                ["batchSize"] = BatchSize,
                ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["machineMemoryMiB"] = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024),
                ["logicalCores"] = Environment.ProcessorCount,
                ["modes"] = results,
            };
            if (output is not null)
            {
                Workbench.IO.AtomicFile.WriteAllText(output, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
                console.WriteLine($"wrote {output}");
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Writes <paramref name="images"/> uint8 images of a varied pattern, chunk by chunk (the parent never holds them all).</summary>
    private static void WriteFile(string path, long images)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        stream.Write(NpyHeader.Write(NpyDType.UInt8, [images, Side, Side]));
        var chunk = new byte[1024 * Side * Side];
        var rng = new Workbench.Tensors.Rng(7);
        for (long done = 0; done < images; done += 1024)
        {
            int n = (int)Math.Min(1024, images - done);
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(chunk.AsSpan());
            for (int i = 0; i < words.Length; i++) words[i] = rng.NextUInt64();
            stream.Write(chunk, 0, n * Side * Side);
        }
    }

    private static JsonObject RunChild(string mode, string file)
    {
        var command = WorkbenchProcess.Command();
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1).Concat(["bench", "data-memory", "--child", mode, "--file", file])) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"bench data-memory --child {mode} exited with {process.ExitCode}: {error.Result}");
        return JsonNode.Parse(text.Trim().Split('\n')[^1])!.AsObject();
    }

    /// <summary>In the child: loads <paramref name="file"/> as <paramref name="mode"/> says, iterates one epoch, prints one JSON line.</summary>
    public static int Child(string mode, string file, TextWriter console)
    {
        var clock = Stopwatch.StartNew();
        var (train, test) = mode switch
        {
            "bytes" => NpyDataset.Load(file, memoryMap: false),
            "mapped" => NpyDataset.Load(file, memoryMap: true),
            "floats" => LoadAsFloats(file),
            _ => throw new ArgumentException($"Unknown mode '{mode}'; expected {string.Join(", ", Modes)}."),
        };
        double load = clock.Elapsed.TotalSeconds;
        long peakAnonymous = Status("RssAnon");
        clock.Restart();
        double checksum = 0;
        foreach (var data in new[] { train, test })
        {
            int b = 0;
            foreach (var batch in new DataLoader(data, BatchSize, seed: 1).Epoch(0))
            {
                checksum += batch.Images.Span[0];
                if (++b % 256 == 0) peakAnonymous = Math.Max(peakAnonymous, Status("RssAnon"));
            }
        }
        peakAnonymous = Math.Max(peakAnonymous, Status("RssAnon"));
        double epoch = clock.Elapsed.TotalSeconds;
        var line = new JsonObject
        {
            ["storage"] = train.Storage.Replace(file, "<file>"),
            ["peakResidentMiB"] = Status("VmHWM") / 1024,
            ["peakAnonymousMiB"] = peakAnonymous / 1024,
            ["loadSeconds"] = Math.Round(load, 1),
            ["epochSeconds"] = Math.Round(epoch, 1),
            ["checksum"] = Math.Round(checksum, 3),
        };
        console.WriteLine(line.ToJsonString());
        GC.KeepAlive(train);
        GC.KeepAlive(test);
        return 0;
    }

    /// <summary>The baseline: the same file held as floats, read chunk by chunk into one float array (4 bytes a value) and split the same way.</summary>
    private static (ImageDataset Train, ImageDataset Test) LoadAsFloats(string file)
    {
        using var stream = NpyFile.OpenRead(file);
        var header = NpyHeader.Read(stream, file);
        var floats = new float[header.Count];
        var chunk = new byte[1 << 20];
        for (long done = 0; done < floats.LongLength;)
        {
            int n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, floats.LongLength - done));
            if (n == 0) throw new EndOfStreamException(file);
            for (int i = 0; i < n; i++) floats[done + i] = chunk[i] / 255f;
            done += n;
        }
        int count = (int)header.Shape[0];
        var all = new ImageDataset(floats, new int[count], (int)header.Shape[1], (int)header.Shape[2], ["unlabelled"]);
        return SeededSplit.Split(all, file);
    }

    /// <summary>A field of /proc/self/status in kB.</summary>
    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }
}
