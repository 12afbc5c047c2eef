using System.Text.RegularExpressions;
using Workbench.Interchange.Onnx;
using Workbench.Tests.Support;

namespace Workbench.Tests.Interchange;

/// <summary>docs/interchange.md states what the exporter and its tests do.</summary>
public class InterchangeDocsTests
{
    private static readonly string Page = DocsPage.Text("interchange.md");

    [Fact]
    public void InterchangePage_StatesTheOpsetIrVersionAndEveryGraphName()
    {
        Assert.Contains($"ONNX opset {OnnxExport.Opset} (IR version {OnnxExport.IrVersion})", Page);
        foreach (var name in new[] { OnnxExport.Images, OnnxExport.Condition, OnnxExport.Z, OnnxExport.Mean, OnnxExport.LogVariance, OnnxExport.Logits, OnnxExport.LogScale, OnnxGraph.BatchAxis })
            Assert.Contains($"`{name}`", Page);
    }

    [Fact]
    public void InterchangePage_NamesEveryLayerTheExporterKnows()
    {
        foreach (var layer in OnnxLayers.KnownLayers) Assert.Contains($"`{layer}`", Page);
    }

    [Fact]
    public void InterchangePage_CountsTheExportedModelsAndTheOnnxRuntimeVersionTheTestsUse()
    {
        string[] words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
            "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "twenty-one", "twenty-two"];
        Assert.Contains($"exports {words[OnnxExportTests.ExportableNames.Count]} models", Page);
        var project = File.ReadAllText(Path.Combine(Repository.Root(), "tests", "Workbench.Tests", "Workbench.Tests.csproj"));
        string version = Regex.Match(project, "Include=\"Microsoft.ML.OnnxRuntime\" Version=\"([^\"]+)\"").Groups[1].Value;
        Assert.Contains($"ONNX Runtime {version}", Page);
    }
}
