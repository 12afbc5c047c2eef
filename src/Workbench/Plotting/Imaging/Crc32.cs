namespace Workbench.Plotting.Imaging;

/// <summary>
/// CRC-32 as PNG chunks and zip use it (ISO 3309 / ITU-T V.42: reflected polynomial 0xEDB88320,
/// initial value and final XOR 0xFFFFFFFF), byte-at-a-time with a 256-entry table
/// (PNG specification, annex D).
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>CRC-32 of <paramref name="data"/>; Compute("123456789"u8) = 0xCBF43926.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>Register value before any byte (for incremental use with <see cref="Update"/>).</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Feeds more bytes into a running register.</summary>
    public static uint Update(uint register, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) register = Table[(register ^ b) & 0xFF] ^ (register >> 8);
        return register;
    }

    /// <summary>The CRC of everything fed so far.</summary>
    public static uint Finish(uint register) => register ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
