using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Workbench.Tests.Support;

namespace Workbench.Tests.Packaging;

/// <summary>
/// What the Workbench package holds and says about itself: the library with its XML docs, the package readme and
/// the third-party notices; real metadata (description, MIT licence, readme, the commit it came from, its
/// dependencies); and a symbol package whose PDB is the library's own.
/// </summary>
public sealed class PackageContentsTests
{
    private static string PackageDir => Path.Combine(Repository.Root(), "src", "Workbench", "Package");

    [Fact]
    public void Package_HoldsTheLibraryItsXmlDocsTheReadmeAndTheNotices()
    {
        var package = PackageFeed.EnsurePacked();

        var entries = PackageFeed.Entries(package);

        foreach (var entry in new[] { "lib/net10.0/Workbench.dll", "lib/net10.0/Workbench.xml", "README.md", "THIRD-PARTY-NOTICES.txt" })
            Assert.Contains(entry, entries);
        Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.Ordinal)); // symbols travel in the .snupkg
        Assert.Equal(File.ReadAllText(Path.Combine(PackageDir, "README.md")), PackageFeed.EntryText(package, "README.md"));
        var docs = XDocument.Parse(PackageFeed.EntryText(package, "lib/net10.0/Workbench.xml"));
        var members = docs.Descendants("member").Select(m => m.Attribute("name")!.Value).ToHashSet();
        Assert.Contains("T:Workbench.Notebooks.Lab", members);
        Assert.Contains("T:Workbench.Models.VariationalAutoencoder", members);
    }

    [Fact]
    public void Nuspec_DescribesThePackage_WithLicenceReadmeCommitAndTheLibrarysDependencies()
    {
        var metadata = PackageFeed.Metadata(PackageFeed.EnsurePacked());

        Assert.Equal("Workbench", metadata.Field("id")!.Value);
        Assert.Equal(PackageFeed.Version, metadata.Field("version")!.Value);
        Assert.StartsWith("A research workbench for variational autoencoders", metadata.Field("description")!.Value);
        Assert.DoesNotContain("Package Description", metadata.Field("description")!.Value);
        var license = metadata.Field("license")!;
        Assert.Equal(("expression", "MIT"), (license.Attribute("type")!.Value, license.Value));
        Assert.Equal("README.md", metadata.Field("readme")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Field("authors")!.Value));
        var (exitCode, head) = PackageFeed.Run("git", Repository.Root(), "rev-parse", "HEAD");
        var commit = metadata.Field("repository")!.Attribute("commit")!.Value;
        if (exitCode == 0) Assert.True(head.Trim() == commit, $"the package was built at commit {commit[..7]}, the checkout is at {head.Trim()[..7]}: rebuild it");

        // Every package the library references (except build-time ones, PrivateAssets="all") is a dependency of the package, at the same version.
        var csproj = XDocument.Load(Path.Combine(Repository.Root(), "src", "Workbench", "Workbench.csproj"));
        var references = csproj.Descendants("PackageReference")
            .Where(r => !string.Equals((string?)r.Attribute("PrivateAssets") ?? (string?)r.Element("PrivateAssets"), "all", StringComparison.OrdinalIgnoreCase)).Select(r => (r.Attribute("Include")!.Value, r.Attribute("Version")!.Value)).Order().ToList();
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(d => (d.Attribute("id")!.Value, d.Attribute("version")!.Value)).Order().ToList();
        Assert.NotEmpty(references);
        Assert.Equal(references, dependencies);
    }

    [Fact]
    public void SymbolPackage_HoldsThePdbOfThePackagedLibrary()
    {
        var package = PackageFeed.EnsurePacked();
        Assert.True(File.Exists(PackageFeed.SymbolsPath), $"{PackageFeed.SymbolsPath} is missing");

        var dll = PackageFeed.EntryBytes(package, "lib/net10.0/Workbench.dll");
        var pdb = PackageFeed.EntryBytes(PackageFeed.SymbolsPath, "lib/net10.0/Workbench.pdb");

        // The library's debug directory names the PDB it was built with (its id); the portable PDB carries that id.
        using var pe = new PEReader(new MemoryStream(dll));
        var codeView = pe.ReadCodeViewDebugDirectoryData(Assert.Single(pe.ReadDebugDirectory(), d => d.Type == DebugDirectoryEntryType.CodeView));
        using var symbols = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb));
        var pdbId = symbols.GetMetadataReader().DebugMetadataHeader!.Id;
        Assert.Equal(codeView.Guid.ToByteArray(), pdbId.Take(16).ToArray());
    }
}
