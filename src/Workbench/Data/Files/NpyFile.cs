using System.Runtime.InteropServices;
using Workbench.Data.Storage;

namespace Workbench.Data.Files;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> arrays (format 1.0–3.0, little-endian, C order): images as bytes or floats, labels as
/// integers. Every problem is a <see cref="DataFileException"/> naming the file; nothing is returned half-read.
/// </summary>
public static class NpyFile
{
    /// <summary>The element types images may have.</summary>
    public const string ImageTypes = "uint8 (0–255) or float32 (0–1)";

    /// <summary>Reads the integer array at <paramref name="path"/> (labels: any integer type, one axis).</summary>
    /// <exception cref="DataFileException">Not a .npy of integers of one axis, or truncated.</exception>
    public static long[] ReadIntegers(string path)
    {
        using var stream = OpenRead(path);
        return ReadIntegers(stream, path, stream.Length);
    }

    /// <summary>Reads a one-axis integer array from <paramref name="stream"/> (<paramref name="available"/> bytes long), named <paramref name="name"/> in messages.</summary>
    internal static long[] ReadIntegers(Stream stream, string name, long available)
    {
        var header = NpyHeader.Read(stream, name);
        if (!header.DType.IsInteger)
            throw new DataFileException(name, $"labels have dtype {header.DType.Name}; they must be integers (int64, int32, uint8, …)");
        if (header.Shape.Length != 1 && !(header.Shape.Length == 2 && header.Shape[1] == 1))
            throw new DataFileException(name, $"labels are one number per image, shape (N,); this array has shape {header.ShapeText()}");
        RequireLength(header, name, available);
        var bytes = new byte[header.DataLength];
        stream.ReadExactly(bytes);
        var values = new long[header.Count];
        int size = header.DType.Size;
        bool signed = header.DType.Descr[1] == 'i';
        for (long i = 0; i < values.Length; i++)
        {
            var v = bytes.AsSpan((int)(i * size), size);
            values[i] = (size, signed) switch
            {
                (1, false) => v[0],
                (1, true) => (sbyte)v[0],
                (2, false) => BitConverter.ToUInt16(v),
                (2, true) => BitConverter.ToInt16(v),
                (4, false) => BitConverter.ToUInt32(v),
                (4, true) => BitConverter.ToInt32(v),
                (8, false) => (long)Math.Min(BitConverter.ToUInt64(v), long.MaxValue),
                _ => BitConverter.ToInt64(v),
            };
        }
        return values;
    }

    /// <summary>
    /// Reads images from <paramref name="stream"/> (an array of <paramref name="header"/>, <paramref name="available"/> bytes from the
    /// header on) into memory, converted to (C, H, W) order with alpha applied (see <see cref="ImageLayout"/>): uint8 stays bytes, float32 stays floats.
    /// </summary>
    internal static (ImageStorage Storage, ImageLayout Layout) ReadImages(Stream stream, NpyHeader header, string name, long available)
    {
        var layout = ImageLayout.FromShape(header.Shape, name);
        RequireImageType(header, name);
        RequireLength(header, name, available);
        int stored = layout.StoredValuesPerImage, p = layout.ValuesPerImage;
        if ((long)layout.Count * p > Array.MaxLength)
            throw new DataFileException(name, $"{layout.Count} images of {layout.StoredText()} hold {(long)layout.Count * p} values, more than one array holds in memory; " +
                                               "give an uncompressed .npy to memory-map it");
        if (header.DType == NpyDType.UInt8)
        {
            var values = new byte[(long)layout.Count * p];
            if (!layout.ChannelsLast && !layout.HasAlpha) stream.ReadExactly(values);
            else
            {
                var buffer = new byte[stored];
                for (int i = 0; i < layout.Count; i++)
                {
                    stream.ReadExactly(buffer);
                    layout.ToChw(buffer, values.AsSpan(i * p, p));
                }
            }
            return (new ByteStorage(values, layout.Count, p), layout);
        }
        var floats = new float[(long)layout.Count * p];
        var storedFloats = new float[stored];
        for (int i = 0; i < layout.Count; i++)
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(storedFloats.AsSpan()));
            for (int j = 0; j < stored; j++)
                if (!(storedFloats[j] is >= 0f and <= 1f))
                    throw new DataFileException(name, $"image {i} holds the value {storedFloats[j]} (value {j} of the image); float32 images must hold values in [0, 1] — divide 0–255 values by 255, or save them as uint8");
            layout.ToChw(storedFloats, floats.AsSpan(i * p, p));
        }
        return (new FloatStorage(floats, layout.Count, p), layout);
    }

    /// <summary>Maps the images of the .npy at <paramref name="path"/> instead of reading them: batches are read from the file as they are drawn.</summary>
    internal static (ImageStorage Storage, ImageLayout Layout) MapImages(string path, NpyHeader header)
    {
        var layout = ImageLayout.FromShape(header.Shape, path);
        RequireImageType(header, path);
        RequireLength(header, path, new FileInfo(path).Length);
        if (layout.HasAlpha)
            throw new DataFileException(path, $"a memory-mapped array must have 1 or 3 channels; this one's images are {layout.StoredText()} with alpha: load it into memory, or drop the alpha channel");
        var file = new MappedFile(path, header.DataOffset, header.DataLength, header.DType == NpyDType.Float32);
        return (new MappedStorage(file, layout), layout);
    }

    private static void RequireImageType(NpyHeader header, string name)
    {
        if (header.DType != NpyDType.UInt8 && header.DType != NpyDType.Float32)
            throw new DataFileException(name, $"images have dtype {header.DType.Name}; the allowed dtypes are {ImageTypes} (convert with a.astype(np.uint8) or a.astype(np.float32))");
    }

    private static void RequireLength(NpyHeader header, string name, long available)
    {
        long present = available - header.DataOffset;
        if (present < header.DataLength)
            throw new DataFileException(name, $"truncated: shape {header.ShapeText()} of {header.DType.Name} needs {header.DataLength} bytes after the header, the file holds {Math.Max(0, present)}");
    }

    internal static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFileException(path, "file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot be read ({e.Message})", e);
        }
    }

    /// <summary>Writes <paramref name="values"/> as a uint8 array of <paramref name="shape"/> to <paramref name="path"/> (atomically).</summary>
    public static void Write(string path, byte[] values, params long[] shape) => WriteArray(path, NpyDType.UInt8, values, shape);

    /// <summary>Writes <paramref name="values"/> as a float32 array of <paramref name="shape"/> to <paramref name="path"/> (atomically).</summary>
    public static void Write(string path, float[] values, params long[] shape) => WriteArray(path, NpyDType.Float32, values, shape);

    /// <summary>Writes <paramref name="values"/> as an int64 array of <paramref name="shape"/> to <paramref name="path"/> (atomically).</summary>
    public static void Write(string path, long[] values, params long[] shape) => WriteArray(path, new NpyDType("int64", "<i8", 8), values, shape);

    /// <summary>Writes a .npy of <paramref name="dtype"/> and <paramref name="shape"/> holding the little-endian <paramref name="bytes"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, NpyDType dtype, ReadOnlySpan<byte> bytes, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count * dtype.Size != bytes.Length)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) of {dtype.Name} needs {count * dtype.Size} bytes, got {bytes.Length}.");
        stream.Write(NpyHeader.Write(dtype, shape));
        stream.Write(bytes);
    }

    private static void WriteArray<T>(string path, NpyDType dtype, T[] values, long[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        IO.AtomicFile.Write(path, stream => Write(stream, dtype, MemoryMarshal.AsBytes(values.AsSpan()), shape));
    }
}
