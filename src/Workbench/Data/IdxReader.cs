using System.Buffers.Binary;
using System.IO.Compression;

namespace Workbench.Data;

/// <summary>One array read from an IDX file: its dimensions (outermost first) and its raw bytes.</summary>
/// <param name="Source">The file path or resource name it came from (used in error messages).</param>
public sealed record IdxArray(string Source, int[] Dimensions, byte[] Data);

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/):
/// a magic number <c>00 00 TT NN</c> (TT = element type, 0x08 for unsigned bytes; NN = number of
/// dimensions), NN big-endian int32 dimension sizes, then the elements in row-major order.
/// </summary>
/// <remarks>
/// Gzip compression is detected from the content (bytes 1f 8b), not the file name, so a raw file named
/// <c>.gz</c> or a compressed one without the suffix both read. Every problem raises a
/// <see cref="DataFileException"/> naming the file and what is wrong with it: bad magic, unsupported
/// type, unexpected rank, impossible sizes, truncation, trailing data, corrupt gzip.
/// </remarks>
public static class IdxReader
{
    /// <summary>The IDX type code for unsigned bytes, the only element type these datasets use.</summary>
    public const byte UnsignedByteType = 0x08;

    /// <summary>Reads an IDX file, checking its rank when <paramref name="expectedRank"/> is given.</summary>
    public static IdxArray Read(string path, int? expectedRank = null)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "file not found");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(file, path, expectedRank);
    }

    /// <summary>Reads an IDX array from <paramref name="stream"/>; <paramref name="source"/> names it in messages.</summary>
    public static IdxArray Read(Stream stream, string source, int? expectedRank = null)
    {
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        Span<byte> signature = stackalloc byte[2];
        int got = stream.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
        stream.Position = start;
        bool gzip = got == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
        if (!gzip) return ReadIdx(stream, source, expectedRank, compressed: false);

        using var inflated = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        try
        {
            return ReadIdx(inflated, source, expectedRank, compressed: true);
        }
        catch (InvalidDataException e)
        {
            // .NET says e.g. "unsupported compression method" for any damaged header or block.
            throw new DataFileException(source, $"not a valid gzip stream (or truncated): it cannot be decompressed ({e.Message})", e);
        }
    }

    /// <summary>Reads an image file: rank 3 (count, rows, columns) of unsigned bytes.</summary>
    public static IdxArray ReadImages(string path) => Read(path, expectedRank: 3);

    /// <summary>Reads a label file: rank 1 (count) of unsigned bytes, each below <paramref name="classCount"/>.</summary>
    public static IdxArray ReadLabels(string path, int classCount)
    {
        var labels = Read(path, expectedRank: 1);
        CheckLabelRange(labels, classCount);
        return labels;
    }

    /// <summary>Reads an image file and its label file into one dataset (pixels scaled to [0, 1]).</summary>
    public static ImageDataset ReadDataset(string imagesPath, string labelsPath, IReadOnlyList<string> classNames) =>
        ToDataset(ReadImages(imagesPath), ReadLabels(labelsPath, classNames.Count), classNames);

    /// <summary>
    /// Joins an image array (N, H, W) and a label array (N) into a dataset, pixels divided by 255.
    /// Checks ranks, label range and that both hold the same number of examples.
    /// </summary>
    public static ImageDataset ToDataset(IdxArray images, IdxArray labels, IReadOnlyList<string> classNames)
    {
        RequireRank(images, 3);
        RequireRank(labels, 1);
        CheckLabelRange(labels, classNames.Count);
        int count = images.Dimensions[0], rows = images.Dimensions[1], cols = images.Dimensions[2];
        if (labels.Dimensions[0] != count)
            throw new DataFileException(images.Source,
                $"holds {count} images but its label file {labels.Source} holds {labels.Dimensions[0]} labels");

        // Held as the file's bytes (a quarter of floats' memory and of a batch's memory traffic), divided by 255 as
        // batches are copied out: the same floats as b / 255f.
        var labelValues = new int[count];
        for (int i = 0; i < count; i++) labelValues[i] = labels.Data[i];
        return ImageDataset.FromBytes(images.Data, labelValues, channels: 1, rows, cols, classNames);
    }

    /// <summary>Throws unless every label byte is below <paramref name="classCount"/>.</summary>
    public static void CheckLabelRange(IdxArray labels, int classCount)
    {
        var data = labels.Data;
        for (int i = 0; i < data.Length; i++)
            if (data[i] >= classCount)
                throw new DataFileException(labels.Source,
                    $"label {data[i]} at index {i} is outside the {classCount} classes 0..{classCount - 1}");
    }

    private static void RequireRank(IdxArray array, int rank)
    {
        if (array.Dimensions.Length != rank)
            throw new DataFileException(array.Source, $"expected {RankText(rank)} but it has {RankText(array.Dimensions.Length)} ({DimsText(array.Dimensions)})");
    }

    private static IdxArray ReadIdx(Stream stream, string source, int? expectedRank, bool compressed)
    {
        string what = compressed ? "decompressed data" : "file";
        Span<byte> magic = stackalloc byte[4];
        int got = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new DataFileException(source, $"too short for an IDX header: the {what} has {got} bytes, the magic number alone needs 4");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DataFileException(source,
                $"bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}: an IDX file starts with two zero bytes, " +
                "a type byte (0x08 for unsigned bytes) and the number of dimensions");
        if (magic[2] != UnsignedByteType)
            throw new DataFileException(source,
                $"unsupported element type 0x{magic[2]:X2} ({TypeName(magic[2])}) in the magic number: only unsigned bytes (0x08) are supported");
        int rank = magic[3];
        if (rank == 0) throw new DataFileException(source, "the magic number declares 0 dimensions");
        if (expectedRank is int r && rank != r)
            throw new DataFileException(source, $"expected {RankText(r)} but the header declares {RankText(rank)}");

        var dimBytes = new byte[4 * rank];
        got = stream.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (got < dimBytes.Length)
            throw new DataFileException(source, $"truncated header: {rank} dimension sizes need {dimBytes.Length} bytes after the magic number but only {got} follow");

        var dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (d == 0 || d > int.MaxValue)
                throw new DataFileException(source, $"dimension {i} has impossible size {d}");
            dims[i] = (int)d;
            size *= d;
            if (size > Array.MaxLength)
                throw new DataFileException(source, $"the header's sizes {DimsText(dims.AsSpan(0, i + 1))} exceed the largest array .NET can hold");
        }

        // The claim is checked against what the file holds before that much memory is taken: a header of
        // a few bytes can claim gigabytes. A compressed stream's length is unknown, so it is read in growing chunks.
        if (!compressed && stream.CanSeek && stream.Length - stream.Position < size)
            throw new DataFileException(source,
                $"truncated: header says {ContentText(dims, size)} but only {stream.Length - stream.Position} bytes follow (the file is {stream.Length} bytes long)");
        var data = compressed ? ReadGrowing(stream, size, out got) : new byte[size];
        if (!compressed) got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < size)
            throw new DataFileException(source, $"truncated: header says {ContentText(dims, size)} but only {got} bytes follow");

        long trailing = CountRemaining(stream);
        if (trailing > 0)
            throw new DataFileException(source, $"trailing data: {trailing} bytes follow the {ContentText(dims, size)} the header declares");
        return new IdxArray(source, dims, data);
    }

    /// <summary>Reads up to <paramref name="size"/> bytes into a buffer that grows with what actually arrives (never more than twice that).</summary>
    private static byte[] ReadGrowing(Stream stream, long size, out int got)
    {
        var buffer = new byte[Math.Min(size, 1 << 20)];
        got = 0;
        while (got < size)
        {
            if (got == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(size, 2L * buffer.Length));
            int n = stream.Read(buffer, got, buffer.Length - got);
            if (n == 0) break;
            got += n;
        }
        return buffer;
    }

    private static long CountRemaining(Stream stream)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = stream.Read(buffer)) > 0) total += n;
        return total;
    }

    private static string ContentText(int[] dims, long bytes) => dims.Length switch
    {
        3 => $"{dims[0]} images of {dims[1]}×{dims[2]} ({bytes} bytes)",
        1 => $"{dims[0]} labels ({bytes} bytes)",
        _ => $"an array of {DimsText(dims)} ({bytes} bytes)",
    };

    private static string RankText(int rank) => rank switch
    {
        3 => "3 dimensions (images: count, rows, columns)",
        1 => "1 dimension (labels: count)",
        _ => $"{rank} dimensions",
    };

    private static string DimsText(ReadOnlySpan<int> dims) => string.Join("×", dims.ToArray());

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "unknown",
    };
}
