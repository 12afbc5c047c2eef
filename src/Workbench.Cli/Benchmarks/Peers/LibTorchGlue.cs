namespace Workbench.Cli.Benchmarks;

/// <summary>
/// Makes TorchSharp's glue library (libLibTorchSharp.so, between TorchSharp.dll and libtorch) loadable on a system whose
/// libraries lack a symbol version it names but never uses.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's glue was linked with GCC 13's libstdc++ and needs its GLIBCXX_3.4.32; Debian 12's libstdc++ (GCC 12)
/// defines versions up to GLIBCXX_3.4.30, so the loader refuses the glue. The one symbol at GLIBCXX_3.4.32 is
/// std::ios_base_library_init(), which GCC 13's &lt;iostream&gt; names only to demand a libstdc++ that sets up the standard
/// streams itself; no relocation binds it, so nothing looks it up, and libtorch's own static initialisers set the streams
/// up on the older library. A weak need lets the loader go on.
/// </remarks>
internal static class LibTorchGlue
{
    public const string FileName = "libLibTorchSharp.so";

    /// <summary>Where the loader looks for a library after LD_LIBRARY_PATH and the glue's own folder (its RUNPATH $ORIGIN).</summary>
    private static readonly string[] SystemDirectories = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"];

    /// <summary>
    /// Marks weak, in <paramref name="glue"/> itself (the copy in the peer's build output: the file is replaced by a rename,
    /// so the NuGet cache's original is never written), every version it needs that the library this system's loader
    /// would give it lacks, provided no relocation binds a symbol at that version; prints what it marked. Null when the
    /// glue can load (now or already), else why it cannot.
    /// </summary>
    public static string? MakeLoadable(string glue, TextWriter output)
    {
        var needs = ElfVersionNeeds.Read(glue);
        foreach (var library in needs.Needs.Where(n => !n.IsWeak).GroupBy(n => n.Library))
        {
            if (FindLibrary(library.Key, Path.GetDirectoryName(glue)!) is not { } path) return $"{library.Key}, which {FileName} links, was not found";
            var defined = ElfVersionNeeds.Read(path).Definitions.ToHashSet(StringComparer.Ordinal);
            var missing = library.Where(n => !defined.Contains(n.Version)).ToList();
            if (missing.Count == 0) continue;
            string versions = string.Join(", ", missing.Select(n => n.Version));
            var bound = missing.SelectMany(needs.SymbolsBoundTo).ToList();
            if (bound.Count > 0)
                return $"{path} lacks {versions}, at which {FileName} binds {string.Join(", ", bound.Take(3))}{(bound.Count > 3 ? ", …" : "")}: it needs a newer {library.Key}";
            ElfVersionNeeds.MarkWeak(glue, glue, library.Key, missing.Select(n => n.Version).ToList());
            output.WriteLine($"  libtorch peer: {path} lacks {versions}, which {FileName} names but binds no symbol at: marked weak in {glue}.");
        }
        return null;
    }

    /// <summary>
    /// The file the loader would use for <paramref name="library"/> (e.g. libstdc++.so.6): the one already mapped into this
    /// .NET process (the runtime links libstdc++, libc, libm and libgcc_s, and a peer process gets the same), else the first
    /// found in LD_LIBRARY_PATH, the glue's folder and the system directories; null when none is found.
    /// </summary>
    private static string? FindLibrary(string library, string glueFolder)
    {
        if (File.Exists("/proc/self/maps"))
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                string mapped = line[slash..];
                string name = Path.GetFileName(mapped);
                if (name == library || name.StartsWith(library + ".", StringComparison.Ordinal)) return mapped; // libstdc++.so.6 is mapped as libstdc++.so.6.0.30
            }
        var searched = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append(glueFolder).Concat(SystemDirectories);
        return searched.Select(directory => Path.Combine(directory, library)).FirstOrDefault(File.Exists);
    }
}
