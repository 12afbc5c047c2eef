using System.Diagnostics;
using System.Text.RegularExpressions;
using Workbench.Cli.Benchmarks;
using Workbench.Tests.Support;

namespace Workbench.Tests.Cli;

/// <summary>
/// The ELF reader and patcher the libtorch peer's glue library goes through, on a copy of a real system shared object
/// (zlib, in every Debian system), read back with our reader and with binutils' readelf.
/// </summary>
public partial class ElfVersionNeedsTests
{
    private const string Zlib = ReadelfFactAttribute.Zlib;

    [ReadelfFact]
    public void Read_SystemLibrary_ListsTheNeedsAndDefinitionsReadelfShows()
    {
        var elf = ElfVersionNeeds.Read(Zlib);
        var (needs, definitions) = Readelf(Zlib);

        Assert.NotEmpty(elf.Needs);
        Assert.Equal(needs, elf.Needs.Select(n => (n.Library, n.Version, n.IsWeak ? "WEAK" : "none")));
        Assert.Equal(definitions, elf.Definitions);
    }

    [ReadelfFact]
    public void SymbolsBoundTo_EachNeed_TheSymbolsReadelfShowsRelocatedAtThatVersion()
    {
        var elf = ElfVersionNeeds.Read(Zlib);
        string relocations = Run("readelf", "-rW", Zlib);
        foreach (var need in elf.Needs)
        {
            // "… __snprintf_chk@GLIBC_2.3.4 + 0": one @ for a needed (undefined) symbol, @@ for one the library defines.
            var expected = Regex.Matches(relocations, $@"\s([^\s@]+)@{Regex.Escape(need.Version)}\s").Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal);
            Assert.Equal(expected, elf.SymbolsBoundTo(need));
        }
        Assert.Contains(elf.Needs, n => elf.SymbolsBoundTo(n).Count > 0);
    }

    [ReadelfFact]
    public void MarkWeak_OneNeededVersion_ChangesOnlyItsFlagsToWeak()
    {
        using var folder = new TempDirectory();
        string copy = folder.File("libz.so.1"), patched = folder.File("libz-patched.so.1");
        File.Copy(Zlib, copy);
        var need = ElfVersionNeeds.Read(copy).Needs.First(n => !n.IsWeak);

        ElfVersionNeeds.MarkWeak(copy, patched, need.Library, [need.Version]);

        var after = ElfVersionNeeds.Read(patched).Needs;
        Assert.Equal(ElfVersionNeeds.Read(copy).Needs.Select(n => n == need ? n with { Flags = (ushort)(n.Flags | ElfVersionNeeds.WeakFlag) } : n), after);
        Assert.Contains((need.Library, need.Version, "WEAK"), Readelf(patched).Needs);
        Assert.Single(Readelf(patched).Needs, n => n.Flags == "WEAK");
        byte[] before = File.ReadAllBytes(copy), written = File.ReadAllBytes(patched);
        Assert.Equal(before.Length, written.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != written[i]).ToArray();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.InRange((long)i, need.FlagsOffset, need.FlagsOffset + 1)); // vna_flags, a 16-bit field
        Assert.Equal(File.ReadAllBytes(Zlib), before); // the source is left as it was
    }

    [ReadelfFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes; ReadelfFact skips elsewhere
    public void MarkWeak_InPlace_ReplacesTheFileSoALinkToItKeepsTheOriginal()
    {
        using var folder = new TempDirectory();
        string copy = folder.File("libz.so.1"), link = folder.File("linked.so.1");
        File.Copy(Zlib, copy);
        Assert.Equal(0, Link(copy, link)); // a hard link: what an in-place write would change too (as a NuGet cache file would be)
        var need = ElfVersionNeeds.Read(copy).Needs.First(n => !n.IsWeak);

        ElfVersionNeeds.MarkWeak(copy, copy, need.Library, [need.Version]);

        Assert.True(ElfVersionNeeds.Read(copy).Needs.Single(n => n.Version == need.Version && n.Library == need.Library).IsWeak);
        Assert.Equal(File.ReadAllBytes(Zlib), File.ReadAllBytes(link));
        Assert.Equal(["libz.so.1", "linked.so.1"], Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order()); // no temporary file left
        Assert.Equal(File.GetUnixFileMode(link), File.GetUnixFileMode(copy));
    }

    [ReadelfFact]
    public void MarkWeak_VersionTheFileDoesNotNeed_NamesTheFileAndTheVersion()
    {
        using var folder = new TempDirectory();
        string library = ElfVersionNeeds.Read(Zlib).Needs[0].Library;

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.MarkWeak(Zlib, folder.File("out.so"), library, ["GLIBC_9.99"]));

        Assert.Contains(Zlib, error.Message);
        Assert.Contains("GLIBC_9.99", error.Message);
        Assert.False(File.Exists(folder.File("out.so")));
    }

    [Fact]
    public void Read_NotAnElfFile_NamesTheFile()
    {
        using var folder = new TempDirectory();
        string text = folder.File("notes.txt");
        File.WriteAllText(text, "not a shared object\n");

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(text));

        Assert.Equal($"{text} is not an ELF file (it does not start with 0x7F 'ELF').", error.Message);
    }

    [Fact]
    public void Read_ThirtyTwoBitElfFile_NamesTheFileAndItsClass()
    {
        using var folder = new TempDirectory();
        string elf32 = folder.File("lib32.so");
        var header = new byte[52]; // an Elf32_Ehdr: ELFCLASS32, little-endian, ET_DYN, EM_386
        header[0] = 0x7f;
        "ELF"u8.CopyTo(header.AsSpan(1));
        (header[4], header[5], header[6], header[16], header[18]) = (1, 1, 1, 3, 3);
        File.WriteAllBytes(elf32, header);

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(elf32));

        Assert.Equal($"{elf32} is a 32-bit ELF file; only 64-bit ELF files are read.", error.Message);
    }

    [Fact]
    public void Read_TruncatedElfFile_NamesTheFile()
    {
        using var folder = new TempDirectory();
        string truncated = folder.File("truncated.so");
        File.WriteAllBytes(truncated, [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0]);

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(truncated));

        Assert.StartsWith($"{truncated} is not a well-formed ELF file", error.Message);
    }

    /// <summary>readelf -VW's needs (library, version, "none" or "WEAK") and definitions (without the base entry), in file order.</summary>
    private static (List<(string Library, string Version, string Flags)> Needs, List<string> Definitions) Readelf(string path)
    {
        var needs = new List<(string, string, string)>();
        var definitions = new List<string>();
        string library = "";
        foreach (string line in Run("readelf", "-VW", path).Split('\n'))
        {
            if (FileLine().Match(line) is { Success: true } file) library = file.Groups[1].Value;
            else if (NeedLine().Match(line) is { Success: true } need) needs.Add((library, need.Groups[1].Value, need.Groups[2].Value));
            else if (DefinitionLine().Match(line) is { Success: true } definition && definition.Groups[1].Value != "BASE") definitions.Add(definition.Groups[2].Value);
        }
        return (needs, definitions);
    }

    [GeneratedRegex(@"Version: \d+\s+File: (\S+)\s+Cnt:")]
    private static partial Regex FileLine();

    [GeneratedRegex(@"Name: (\S+)\s+Flags: (\S+)\s+Version: \d+")]
    private static partial Regex NeedLine();

    [GeneratedRegex(@"Rev: \d+\s+Flags: (\S+)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)")]
    private static partial Regex DefinitionLine();

    private static string Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error.Result}");
        return output;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "link", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);
}

/// <summary>A test that reads a system shared object with binutils' readelf: skipped, saying why, when either is missing.</summary>
public sealed class ReadelfFactAttribute : FactAttribute
{
    /// <summary>zlib, which Debian's dpkg itself needs: a 64-bit shared object with version needs (libc's) and definitions (ZLIB_1.2.*).</summary>
    public const string Zlib = "/usr/lib/x86_64-linux-gnu/libz.so.1";

    public ReadelfFactAttribute()
    {
        if (!File.Exists(Zlib)) Skip = $"{Zlib} not found (an x86-64 Debian system has it)";
        else if (!new[] { "/usr/bin/readelf", "/bin/readelf" }.Any(File.Exists)) Skip = "readelf not found (apt-get install binutils)";
    }
}
