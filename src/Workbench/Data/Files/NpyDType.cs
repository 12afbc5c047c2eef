namespace Workbench.Data.Files;

/// <summary>
/// An element type of a <c>.npy</c> array this reader accepts: uint8 and float32 (images), and the integer types (labels).
/// Little-endian only ('&lt;', or '|' for single bytes).
/// </summary>
/// <param name="Name">NumPy's name: uint8, float32, int64…</param>
/// <param name="Descr">The header's descr: <c>|u1</c>, <c>&lt;f4</c>, <c>&lt;i8</c>…</param>
/// <param name="Size">Bytes a value.</param>
public sealed record NpyDType(string Name, string Descr, int Size)
{
    public static readonly NpyDType UInt8 = new("uint8", "|u1", 1);
    public static readonly NpyDType Float32 = new("float32", "<f4", 4);

    private static readonly NpyDType[] Known =
    [
        UInt8, Float32, new("int8", "|i1", 1), new("int16", "<i2", 2), new("uint16", "<u2", 2), new("int32", "<i4", 4),
        new("uint32", "<u4", 4), new("int64", "<i8", 8), new("uint64", "<u8", 8), new("float64", "<f8", 8), new("float16", "<f2", 2),
        new("bool", "|b1", 1),
    ];

    /// <summary>True for the integer types (the types labels may have).</summary>
    public bool IsInteger => Descr[1] is 'i' or 'u';

    /// <summary>The type <paramref name="descr"/> names.</summary>
    /// <exception cref="DataFileException">Big-endian, or not a plain numeric type.</exception>
    public static NpyDType Parse(string descr, string file)
    {
        if (descr.Length == 3 && descr[0] == '>' && descr[2] != '1')
            throw new DataFileException(file, $"the array is big-endian ('{descr}'); save it little-endian (a.astype(a.dtype.newbyteorder('<')))");
        string normal = descr.Length == 3 && descr[2] == '1' ? "|" + descr[1..] : descr.Length == 2 ? (descr[1] == '1' ? "|" : "<") + descr : descr;
        return Known.FirstOrDefault(k => k.Descr == normal)
               ?? throw new DataFileException(file, $"dtype '{descr}' is not a plain numeric type this reader knows (uint8, float32 for images; integers for labels)");
    }
}
