using System.IO.Compression;
using System.Security.Cryptography;
using Spectre.Console;

namespace Workbench.Data;

/// <summary>
/// Downloads one dataset file, checks it against its known digests and only then moves it into
/// place: the bytes go to a temporary file beside the destination, which is renamed when verified
/// and deleted otherwise, so the destination either holds a verified file or nothing new.
/// </summary>
/// <remarks>
/// A download is accepted when at least one digest known for it matches: the SHA-256 of the .gz, the
/// MD5 of the .gz published upstream, or the SHA-256 of the decompressed IDX bytes. Several kinds
/// exist because not every one is known for every file (see the notes in <see cref="FashionMnist"/>
/// and <see cref="Mnist"/>); any of them rules out a truncated or corrupted transfer.
/// </remarks>
public sealed class IdxDownloader
{
    private readonly HttpMessageHandler? _handler;
    private readonly bool _showProgress;

    /// <param name="handler">The HTTP handler to use (a fake one in tests); null for a plain <see cref="HttpClientHandler"/>.</param>
    /// <param name="showProgress">Draw a progress bar when the console is an interactive terminal.</param>
    public IdxDownloader(HttpMessageHandler? handler = null, bool showProgress = true)
    {
        _handler = handler;
        _showProgress = showProgress;
    }

    /// <summary>Downloads <paramref name="url"/> to <paramref name="destination"/> and verifies it against <paramref name="expected"/>.</summary>
    /// <exception cref="DataFileException">The transfer failed or no digest matched; nothing is left at <paramref name="destination"/>.</exception>
    public void Download(Uri url, string destination, IdxFileSpec expected)
    {
        if (!expected.HasDigest)
            throw new ArgumentException($"{expected.FileName} has no known digest to verify a download against.", nameof(expected));
        string full = Path.GetFullPath(destination);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = DataFiles.TempPathBeside(full);
        try
        {
            var (sha256, md5) = Fetch(url, temp, full);
            Verify(full, temp, expected, sha256, md5);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is not DataFileException and (HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException))
        {
            DataFiles.TryDelete(temp);
            throw new DataFileException(full, $"download from {url} failed: {e.Message}", e);
        }
        catch
        {
            DataFiles.TryDelete(temp);
            throw;
        }
    }

    private (string Sha256, string Md5) Fetch(Uri url, string temp, string destination)
    {
        using var client = _handler is null
            ? new HttpClient { Timeout = TimeSpan.FromMinutes(30) }
            : new HttpClient(_handler, disposeHandler: false) { Timeout = TimeSpan.FromMinutes(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = client.Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            throw new DataFileException(destination, $"download from {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        long? length = response.Content.Headers.ContentLength;

        using var source = response.Content.ReadAsStream();
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            void Copy(Action<int> progress)
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = source.Read(buffer)) > 0)
                {
                    target.Write(buffer, 0, n);
                    sha256.AppendData(buffer, 0, n);
                    md5.AppendData(buffer, 0, n);
                    progress(n);
                }
                target.Flush(flushToDisk: true);
            }

            if (_showProgress && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            {
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                             new DownloadedColumn(), new TransferSpeedColumn())
                    .Start(context =>
                    {
                        var task = context.AddTask(Path.GetFileName(destination), maxValue: length ?? 1);
                        task.IsIndeterminate = length is null;
                        Copy(n => task.Increment(n));
                        task.Value = task.MaxValue;
                    });
            }
            else
            {
                Copy(_ => { });
            }
        }
        return (Convert.ToHexStringLower(sha256.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()));
    }

    private static void Verify(string destination, string temp, IdxFileSpec expected, string sha256, string md5)
    {
        if (Matches(expected.GzipSha256, sha256) || Matches(expected.GzipMd5, md5)) return;
        string? contentSha256 = null;
        if (expected.ContentSha256 is not null)
        {
            contentSha256 = ContentSha256(temp);
            if (Matches(expected.ContentSha256, contentSha256)) return;
        }

        var expectations = new List<string>();
        if (expected.GzipSha256 is not null) expectations.Add($"SHA-256 {expected.GzipSha256} (got {sha256})");
        if (expected.GzipMd5 is not null) expectations.Add($"MD5 {expected.GzipMd5} (got {md5})");
        if (expected.ContentSha256 is not null)
            expectations.Add($"decompressed SHA-256 {expected.ContentSha256} (got {contentSha256 ?? "none: not gzip data"})");
        throw new DataFileException(destination,
            $"checksum mismatch: the downloaded file matches none of the known digests for {expected.FileName}: " +
            string.Join("; ", expectations) + ". The download was discarded.");
    }

    /// <summary>SHA-256 of the decompressed bytes of a gzip file, or null when it is not valid gzip data.</summary>
    private static string? ContentSha256(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            if (file.ReadByte() != 0x1f || file.ReadByte() != 0x8b) return null;
            file.Position = 0;
            using var inflated = new GZipStream(file, CompressionMode.Decompress);
            return Convert.ToHexStringLower(SHA256.HashData(inflated));
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static bool Matches(string? expected, string? actual) =>
        expected is not null && string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase);
}
