using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Workbench.Data.Files;

/// <summary>
/// The header of a NumPy <c>.npy</c> file (format versions 1–3): the magic <c>\x93NUMPY</c>, the version, the header's length,
/// then a Python dict literal such as <c>{'descr': '|u1', 'fortran_order': False, 'shape': (60000, 28, 28), }</c>.
/// Only little-endian, C-ordered arrays of the types in <see cref="NpyDType"/> are read.
/// </summary>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The array's dimensions, outermost first (C order).</param>
/// <param name="DataOffset">Bytes from the start of the file to the first value.</param>
public sealed partial record NpyHeader(NpyDType DType, long[] Shape, long DataOffset)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Number of values (the product of the shape; 1 for a scalar).</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes the values take.</summary>
    public long DataLength => Count * DType.Size;

    /// <summary>"(60000, 28, 28)", as NumPy writes shapes.</summary>
    public string ShapeText() => Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")] private static partial Regex DescrField();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranField();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapeField();

    /// <summary>Reads the header from the start of <paramref name="stream"/>, which is left at the first value.</summary>
    /// <param name="name">The file (or <c>archive.npz:array.npy</c>) named in messages.</param>
    /// <exception cref="DataFileException">Not a .npy file, an unreadable header, big-endian or Fortran order, or a type outside <see cref="NpyDType"/>.</exception>
    public static NpyHeader Read(Stream stream, string name)
    {
        Span<byte> start = stackalloc byte[8];
        if (ReadUpTo(stream, start) < 8 || !start[..6].SequenceEqual(Magic))
            throw new DataFileException(name, "not a NumPy .npy file (it does not start with \\x93NUMPY)");
        int major = start[6];
        if (major is < 1 or > 3) throw new DataFileException(name, $".npy format version {major}.{start[7]} is not one this reader knows (1.0 to 3.0)");
        Span<byte> lengthBytes = stackalloc byte[4];
        int lengthSize = major == 1 ? 2 : 4;
        if (ReadUpTo(stream, lengthBytes[..lengthSize]) < lengthSize) throw new DataFileException(name, "truncated: the file ends inside the .npy header");
        long headerLength = major == 1 ? BitConverter.ToUInt16(lengthBytes[..2]) : BitConverter.ToUInt32(lengthBytes);
        if (headerLength > 1 << 20) throw new DataFileException(name, $"the .npy header claims {headerLength} bytes; a real one is under a kilobyte");
        var headerBytes = new byte[headerLength];
        if (ReadUpTo(stream, headerBytes) < headerLength) throw new DataFileException(name, "truncated: the file ends inside the .npy header");
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        var descr = DescrField().Match(text);
        var fortran = FortranField().Match(text);
        var shape = ShapeField().Match(text);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new DataFileException(name, $"the .npy header is not the dict of 'descr', 'fortran_order' and 'shape' NumPy writes: {text.Trim()}");
        if (fortran.Groups[1].Value == "True")
            throw new DataFileException(name, "the array is in Fortran (column-major) order; save it in C order (np.save(path, np.ascontiguousarray(a)))");
        var dims = new List<long>();
        foreach (var part in shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out long dim))
                throw new DataFileException(name, $"the .npy header's shape ({shape.Groups[1].Value}) is not a tuple of sizes");
            dims.Add(dim);
        }
        var dtype = NpyDType.Parse(descr.Groups[1].Value, name);
        long offset = 6 + 2 + lengthSize + headerLength;
        var header = new NpyHeader(dtype, dims.ToArray(), offset);
        if (dims.Aggregate(1.0, (a, b) => a * b) * dtype.Size > long.MaxValue / 2)
            throw new DataFileException(name, $"the .npy header's shape {header.ShapeText()} is impossibly large");
        return header;
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length; fewer bytes only at the end of the stream.</summary>
    internal static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>The header bytes of a version 1.0 file for <paramref name="dtype"/> and <paramref name="shape"/>, padded so the values start on a 64-byte boundary.</summary>
    internal static byte[] Write(NpyDType dtype, long[] shape)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dict = $"{{'descr': '{dtype.Descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int unpadded = 6 + 2 + 2 + dict.Length + 1;
        int padded = (unpadded + 63) / 64 * 64;
        string text = dict + new string(' ', padded - unpadded) + "\n";
        var bytes = new byte[padded];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 2), (ushort)text.Length);
        Encoding.Latin1.GetBytes(text, bytes.AsSpan(10));
        return bytes;
    }
}
