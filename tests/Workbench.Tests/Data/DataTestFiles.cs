using System.IO.Compression;
using System.Net;
using Workbench.Data;

namespace Workbench.Tests.Data;

/// <summary>A fresh directory under the temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workbench-data-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Builds small IDX files byte by byte, including broken ones.</summary>
internal static class IdxBytes
{
    /// <summary>A well-formed unsigned-byte IDX file.</summary>
    public static byte[] Make(int[] dims, byte[] data)
    {
        using var stream = new MemoryStream();
        IdxWriter.Write(stream, dims, data);
        return stream.ToArray();
    }

    /// <summary>A header with any magic bytes and dimension sizes, then <paramref name="payload"/>.</summary>
    public static byte[] Raw(byte typeCode, byte rank, uint[] dims, byte[] payload)
    {
        var bytes = new List<byte> { 0, 0, typeCode, rank };
        foreach (uint d in dims) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(payload);
        return bytes.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return output.ToArray();
    }

    /// <summary>Images (n, rows, cols) whose pixel k of image i is (i·31 + k) mod 256.</summary>
    public static byte[] Images(int n, int rows, int cols)
    {
        var data = new byte[n * rows * cols];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < rows * cols; k++)
                data[i * rows * cols + k] = (byte)((i * 31 + k) % 256);
        return Make([n, rows, cols], data);
    }

    /// <summary>Labels i mod classes.</summary>
    public static byte[] Labels(int n, int classes)
    {
        var data = new byte[n];
        for (int i = 0; i < n; i++) data[i] = (byte)(i % classes);
        return Make([n], data);
    }

    /// <summary>Writes a tiny train/test IDX dataset (gzip-compressed or not) into <paramref name="directory"/>.</summary>
    public static void WriteSplit(string directory, IdxDatasetSpec spec, DatasetSplit split, int count, bool gzip)
    {
        Directory.CreateDirectory(directory);
        var (images, labels) = spec.Files(split);
        string suffix = gzip ? ".gz" : "";
        File.WriteAllBytes(System.IO.Path.Combine(directory, images.BaseName + suffix), Compress(Images(count, 4, 3), gzip));
        File.WriteAllBytes(System.IO.Path.Combine(directory, labels.BaseName + suffix), Compress(Labels(count, spec.ClassNames.Count), gzip));
    }

    private static byte[] Compress(byte[] data, bool gzip) => gzip ? Gzip(data) : data;
}

/// <summary>An HTTP handler serving fixed bytes per file name, and 404 for anything else; counts requests.</summary>
internal sealed class FakeHttpHandler(IReadOnlyDictionary<string, byte[]> files) : HttpMessageHandler
{
    public List<Uri> Requests { get; } = [];

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request.RequestUri!);
        string name = request.RequestUri!.Segments[^1];
        if (!files.TryGetValue(name, out var body)) return new HttpResponseMessage(HttpStatusCode.NotFound) { ReasonPhrase = "Not Found" };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(Send(request, cancellationToken));
}

/// <summary>A handler that fails every request as an offline machine would.</summary>
internal sealed class OfflineHttpHandler : HttpMessageHandler
{
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new HttpRequestException("Name or service not known (example.invalid:80)");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromException<HttpResponseMessage>(new HttpRequestException("Name or service not known (example.invalid:80)"));
}
