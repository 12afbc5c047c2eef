using System.Globalization;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data.Files;

/// <summary>The README's and docs/data.md's statements about your own data, held to the committed measurement and to the code.</summary>
public class DataMemoryClaimsTests
{
    private static string Root => Repository.Root();

    private static JsonNode Measurement() => JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "docs", "data-memory.json")))!;

    private static string Mib(JsonNode mode, string field) => mode[field]!.GetValue<long>().ToString("N0", CultureInfo.InvariantCulture);

    [Fact]
    public void ReadmeMemorySentence_StatesTheCommittedMeasurement()
    {
        var m = Measurement();
        var modes = m["modes"]!;
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));

        Assert.Contains($"a 1 GiB uint8 `.npy` ({m["images"]!.GetValue<long>().ToString("N0", CultureInfo.InvariantCulture)} images of 64×64)", readme);
        Assert.Contains($"peaks at {Mib(modes["bytes"]!, "peakResidentMiB")} MiB resident against {Mib(modes["floats"]!, "peakResidentMiB")} MiB held as floats", readme);
        Assert.Contains($"it needs {Mib(modes["mapped"]!, "peakAnonymousMiB")} MiB of its own", readme);
    }

    [Fact]
    public void Measurement_BytesNeedAboutOneGibibyteNotFour_AndMappingAlmostNothing()
    {
        var m = Measurement();
        var modes = m["modes"]!;
        double fileMib = m["fileBytes"]!.GetValue<long>() / (1024.0 * 1024.0);
        Assert.InRange(fileMib, 1000, 1100); // about 1 GiB
        Assert.InRange(modes["bytes"]!["peakResidentMiB"]!.GetValue<long>(), fileMib, 1.15 * fileMib);
        Assert.InRange(modes["floats"]!["peakResidentMiB"]!.GetValue<long>(), 3.9 * fileMib, 4.3 * fileMib);
        Assert.True(modes["mapped"]!["peakAnonymousMiB"]!.GetValue<long>() < 0.1 * fileMib);
        // The three ways of holding the images gave the same batches.
        var checksums = DataMemoryModes.Select(mode => modes[mode]!["checksum"]!.GetValue<double>()).Distinct();
        Assert.Single(checksums);
    }

    private static readonly string[] DataMemoryModes = ["bytes", "floats", "mapped"];

    [Fact]
    public void DataPage_MemoryTable_StatesTheCommittedMeasurement()
    {
        var modes = Measurement()["modes"]!;
        string page = File.ReadAllText(Path.Combine(Root, "docs", "data.md"));
        foreach (var (mode, label) in new[] { ("bytes", "bytes (the default)"), ("floats", "floats (the baseline)"), ("mapped", "memory-mapped") })
        {
            var row = modes[mode]!;
            string seconds(string f) => row[f]!.GetValue<double>().ToString("0.0", CultureInfo.InvariantCulture);
            Assert.Contains($"| {label} | {Mib(row, "peakResidentMiB")} MiB | {Mib(row, "peakAnonymousMiB")} MiB | {seconds("loadSeconds")} s | {seconds("epochSeconds")} s |", page);
        }
        Assert.Contains($"the process itself holds {Mib(modes["mapped"]!, "peakAnonymousMiB")} MiB", page);
    }

    [Fact]
    public void ReadmeTableOfData_HasARowForEveryImageDataset()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        int start = readme.IndexOf("## Your own data", StringComparison.Ordinal);
        string section = readme[start..readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
        foreach (var dataset in DataSpec.Known.Except(DataSpec.Sentences))
            Assert.Contains($"`{dataset}`", section);
    }
}
