using System.Buffers.Binary;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// The symbol versions an ELF shared object needs from the libraries it links (its .gnu.version_r section, which the
/// dynamic section's DT_VERNEED points at: an Elf64_Verneed per library, an Elf64_Vernaux per version) and the versions it
/// defines itself (.gnu.version_d), and a patch that marks chosen needs weak.
/// </summary>
/// <remarks>
/// The dynamic loader refuses to load an object when a library lacks one of the versions it needs, unless that need is
/// weak (VER_FLG_WEAK in vna_flags): then it only mentions it under LD_DEBUG. Marking a need weak is safe when no
/// relocation binds a symbol at that version (<see cref="SymbolsBoundTo"/>): a symbol that is never looked up cannot be
/// missing. This is how TorchSharp 0.107's glue library loads on Debian 12 (see <see cref="LibTorchGlue"/>).
/// </remarks>
internal sealed class ElfVersionNeeds
{
    /// <summary>VER_FLG_WEAK (elf.h).</summary>
    public const ushort WeakFlag = 0x2;

    /// <summary>VER_FLG_BASE: the version definition that names the object itself, not a version of its symbols.</summary>
    private const ushort BaseFlag = 0x1;

    private const int SymbolSize = 24;

    /// <summary>
    /// One needed version: the library that must define it (e.g. libstdc++.so.6), its name (GLIBCXX_3.4.32), its
    /// vna_flags, its index (vna_other: the number .gnu.version gives each symbol bound at it) and the file offset of
    /// its vna_flags.
    /// </summary>
    public sealed record Need(string Library, string Version, ushort Flags, ushort Index, long FlagsOffset)
    {
        public bool IsWeak => (Flags & WeakFlag) != 0;
    }

    private readonly ElfFile _file;

    private ElfVersionNeeds(ElfFile file) => (_file, Needs, Definitions) = (file, ReadNeeds(file), ReadDefinitions(file));

    /// <summary>Reads <paramref name="path"/>; an <see cref="InvalidDataException"/> naming it unless it is a well-formed 64-bit little-endian ELF file.</summary>
    public static ElfVersionNeeds Read(string path) => new(ElfFile.Read(path));

    /// <summary>Every needed version, library by library, in the file's order; empty when the object needs none.</summary>
    public IReadOnlyList<Need> Needs { get; }

    /// <summary>The versions the object defines (e.g. GLIBCXX_3.4.30 for libstdc++), without the entry naming the object itself.</summary>
    public IReadOnlyList<string> Definitions { get; }

    /// <summary>
    /// The dynamic symbols a relocation binds at <paramref name="need"/>'s version: the lookups that would fail if its
    /// library lacked the version. An undefined symbol that no relocation uses is never looked up.
    /// </summary>
    public IReadOnlyList<string> SymbolsBoundTo(Need need)
    {
        if (_file.Find(ElfFile.DynamicSymbols) is not { } symbols || _file.Find(ElfFile.VersionSymbols) is not { } versions) return [];
        var names = _file.SectionAt(symbols.Link);
        var bound = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var relocations in _file.Sections.Where(s => s.Type is ElfFile.Relocations or ElfFile.RelocationsWithoutAddends && s.Link == symbols.Index))
        {
            long entrySize = relocations.EntrySize > 0 ? relocations.EntrySize : relocations.Type == ElfFile.Relocations ? 24 : 16;
            for (long at = relocations.Offset; at + entrySize <= relocations.Offset + relocations.Size; at += entrySize)
            {
                uint symbol = (uint)(_file.U64(at + 8) >> 32); // r_info: symbol index in the upper 32 bits
                if (symbol == 0) continue;
                if ((_file.U16(versions.Offset + symbol * 2L) & 0x7fff) == need.Index)
                    bound.Add(_file.String(names, _file.U32(symbols.Offset + symbol * (long)SymbolSize)));
            }
        }
        return [.. bound];
    }

    /// <summary>
    /// Writes a copy of <paramref name="source"/> to <paramref name="destination"/> in which the needs of
    /// <paramref name="library"/>'s <paramref name="versions"/> are weak: the vna_flags of their Elf64_Vernaux entries get
    /// VER_FLG_WEAK, and no other byte changes. The copy is written to a temporary file beside
    /// <paramref name="destination"/> and renamed over it, so a reader (or a crash) never sees half a file, and a
    /// destination that is a link to another file gets a new file instead of changing the one it linked to. Throws
    /// <see cref="InvalidDataException"/> naming the file when it is not a 64-bit little-endian ELF file or does not need
    /// one of the versions.
    /// </summary>
    public static void MarkWeak(string source, string destination, string library, IReadOnlyCollection<string> versions)
    {
        var file = ElfFile.Read(source);
        var needs = ReadNeeds(file).Where(n => n.Library == library).ToList();
        foreach (string version in versions)
        {
            var need = needs.FirstOrDefault(n => n.Version == version) ?? throw new InvalidDataException(needs.Count == 0
                ? $"{source} needs no version of {library}, so it cannot need {version}."
                : $"{source} needs no version {version} of {library} (it needs {string.Join(", ", needs.Select(n => n.Version))}).");
            BinaryPrimitives.WriteUInt16LittleEndian(file.Bytes.AsSpan((int)need.FlagsOffset, 2), (ushort)(need.Flags | WeakFlag));
        }
        WriteAtomically(destination, file.Bytes, modeOf: source);
    }

    private static void WriteAtomically(string destination, byte[] bytes, string modeOf)
    {
        string target = Path.GetFullPath(destination);
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, File.GetUnixFileMode(modeOf));
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // gone after the rename; left only when writing failed
        }
    }

    /// <summary>Elf64_Verneed: vn_version, vn_cnt (u16), vn_file, vn_aux, vn_next (u32). Elf64_Vernaux: vna_hash (u32), vna_flags, vna_other (u16), vna_name, vna_next (u32).</summary>
    private static List<Need> ReadNeeds(ElfFile file)
    {
        var needs = new List<Need>();
        if (file.Find(ElfFile.VersionNeeds) is not { } section) return needs;
        var names = file.SectionAt(section.Link);
        foreach (long at in Entries(file, section, nextField: 12))
        {
            string library = file.String(names, file.U32(at + 4));
            long aux = at + file.U32(at + 8);
            for (int i = 0, count = file.U16(at + 2); i < count; i++)
            {
                needs.Add(new Need(library, file.String(names, file.U32(aux + 8)), file.U16(aux + 4), file.U16(aux + 6), aux + 4));
                aux += file.U32(aux + 12);
            }
        }
        return needs;
    }

    /// <summary>Elf64_Verdef: vd_version, vd_flags, vd_ndx, vd_cnt (u16), vd_hash, vd_aux, vd_next (u32); its first Elf64_Verdaux (vda_name, vda_next) names the version.</summary>
    private static List<string> ReadDefinitions(ElfFile file)
    {
        if (file.Find(ElfFile.VersionDefinitions) is not { } section) return [];
        var names = file.SectionAt(section.Link);
        return Entries(file, section, nextField: 16)
            .Where(at => (file.U16(at + 2) & BaseFlag) == 0)
            .Select(at => file.String(names, file.U32(at + file.U32(at + 12))))
            .ToList();
    }

    /// <summary>
    /// The file offsets of a version section's entries: sh_info of them, each the number of bytes in its
    /// <paramref name="nextField"/> (vn_next, vd_next) after the one before, 0 in the last.
    /// </summary>
    private static IEnumerable<long> Entries(ElfFile file, ElfFile.Section section, int nextField)
    {
        long at = section.Offset;
        for (uint entry = 0; entry < section.Info; entry++)
        {
            yield return at;
            uint next = file.U32(at + nextField);
            if (next == 0) yield break;
            at += next;
        }
    }
}
