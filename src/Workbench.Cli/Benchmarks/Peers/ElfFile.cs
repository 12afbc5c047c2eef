using System.Buffers.Binary;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// The bytes of a 64-bit little-endian ELF file (an x86-64 or arm64 Linux shared object) and its section headers, read the
/// way the System V ABI lays them out; what <see cref="ElfVersionNeeds"/> reads its version sections with. Every read is
/// bounds-checked, so a truncated or malformed file is an <see cref="InvalidDataException"/> naming it.
/// </summary>
internal sealed class ElfFile
{
    // Section types (elf.h).
    public const uint DynamicSymbols = 11, Relocations = 4, RelocationsWithoutAddends = 9;
    public const uint VersionDefinitions = 0x6ffffffd, VersionNeeds = 0x6ffffffe, VersionSymbols = 0x6fffffff;

    private const int SectionHeaderSize = 64;

    /// <summary>One section header: its type, where its bytes are in the file, and the section its sh_link names.</summary>
    public readonly record struct Section(int Index, uint Type, long Offset, long Size, int Link, uint Info, long EntrySize);

    private ElfFile(string path, byte[] bytes)
    {
        (Path, Bytes) = (path, bytes);
        if (bytes.Length < 6 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw new InvalidDataException($"{path} is not an ELF file (it does not start with 0x7F 'ELF').");
        if (bytes[4] != 2) throw new InvalidDataException($"{path} is a {(bytes[4] == 1 ? "32-bit" : $"class-{bytes[4]}")} ELF file; only 64-bit ELF files are read.");
        if (bytes[5] != 1) throw new InvalidDataException($"{path} is a big-endian ELF file; only little-endian ELF files are read.");
        long tableOffset = (long)U64(0x28);
        int entrySize = U16(0x3a), count = U16(0x3c);
        if (count > 0 && entrySize != SectionHeaderSize) throw Malformed($"section headers of {entrySize} bytes");
        Sections = Enumerable.Range(0, count).Select(i =>
        {
            long at = tableOffset + (long)i * SectionHeaderSize;
            return new Section(i, U32(at + 4), (long)U64(at + 24), (long)U64(at + 32), (int)U32(at + 40), U32(at + 44), (long)U64(at + 56));
        }).ToArray();
    }

    /// <summary>Reads <paramref name="path"/> whole; throws <see cref="InvalidDataException"/> (naming the file) unless it is a 64-bit little-endian ELF file.</summary>
    public static ElfFile Read(string path) => new(path, File.ReadAllBytes(path));

    public string Path { get; }

    /// <summary>The whole file; a patch changes these bytes and writes them out.</summary>
    public byte[] Bytes { get; }

    public IReadOnlyList<Section> Sections { get; }

    /// <summary>The first section of <paramref name="type"/>, or null.</summary>
    public Section? Find(uint type) => Sections.Where(s => s.Type == type).Select(s => (Section?)s).FirstOrDefault();

    public Section SectionAt(int index) =>
        index >= 0 && index < Sections.Count ? Sections[index] : throw Malformed($"a link to section {index} of {Sections.Count}");

    public ushort U16(long offset) => BinaryPrimitives.ReadUInt16LittleEndian(Span(offset, 2));

    public uint U32(long offset) => BinaryPrimitives.ReadUInt32LittleEndian(Span(offset, 4));

    public ulong U64(long offset) => BinaryPrimitives.ReadUInt64LittleEndian(Span(offset, 8));

    /// <summary>The NUL-terminated string at <paramref name="index"/> in string table <paramref name="table"/> (e.g. .dynstr).</summary>
    public string String(Section table, uint index)
    {
        if (index >= table.Size) throw Malformed($"string {index} past the end of its table ({table.Size} bytes)");
        var rest = Span(table.Offset + index, (int)Math.Min(table.Size - index, int.MaxValue));
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw Malformed($"an unterminated string at {index} of its table");
        return System.Text.Encoding.UTF8.GetString(rest[..end]);
    }

    public InvalidDataException Malformed(string what) => new($"{Path} is not a well-formed ELF file: {what}.");

    private ReadOnlySpan<byte> Span(long offset, int length) =>
        offset >= 0 && offset <= Bytes.Length - length ? Bytes.AsSpan((int)offset, length) : throw Malformed($"a read of {length} bytes at {offset}, past its {Bytes.Length} bytes");
}
