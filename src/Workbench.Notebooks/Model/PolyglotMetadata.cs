using System.Text.Json.Nodes;

namespace Workbench.Notebooks;

/// <summary>
/// The metadata .NET Interactive / the Polyglot Notebooks extension writes into an .ipynb:
/// a ".net-csharp" kernelspec, language_info "polyglot-notebook", a kernelInfo list at notebook
/// level and a kernelName per code cell.
/// </summary>
public static class PolyglotMetadata
{
    public const string CSharpKernel = "csharp";

    /// <summary>Sets kernelspec, language_info and polyglot_notebook.kernelInfo where they are missing.</summary>
    public static void ApplyNotebookDefaults(JsonObject metadata)
    {
        metadata["kernelspec"] ??= new JsonObject
        {
            ["display_name"] = ".NET (C#)",
            ["language"] = "C#",
            ["name"] = ".net-csharp",
        };
        metadata["language_info"] ??= new JsonObject { ["name"] = "polyglot-notebook" };
        metadata["polyglot_notebook"] ??= new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = CSharpKernel,
                ["items"] = new JsonArray
                {
                    new JsonObject { ["aliases"] = new JsonArray(), ["languageName"] = "C#", ["name"] = CSharpKernel },
                },
            },
        };
    }

    /// <summary>Marks a code cell as C# the way the Polyglot Notebooks extension does.</summary>
    public static void ApplyCodeCellDefaults(JsonObject cellMetadata)
    {
        cellMetadata["polyglot_notebook"] ??= new JsonObject { ["kernelName"] = CSharpKernel };
        cellMetadata["vscode"] ??= new JsonObject { ["languageId"] = "polyglot-notebook" };
    }

    /// <summary>
    /// The notebook's default kernel: polyglot_notebook.kernelInfo.defaultKernelName, else
    /// "csharp" for a .NET C# kernelspec, else the kernelspec's language, else "csharp".
    /// </summary>
    public static string DefaultKernel(JsonObject metadata)
    {
        if (metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"] is JsonValue name
            && name.TryGetValue<string>(out var kernel))
            return kernel;
        if (metadata["kernelspec"] is JsonObject spec)
        {
            var specName = spec["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : "";
            var language = spec["language"] is JsonValue l && l.TryGetValue<string>(out var t) ? t : "";
            if (specName == ".net-csharp" || language.Equals("C#", StringComparison.OrdinalIgnoreCase)) return CSharpKernel;
            if (language.Length > 0) return language.ToLowerInvariant();
            if (specName.Length > 0) return specName;
        }
        return CSharpKernel;
    }

    /// <summary>The kernel named in a code cell's metadata (polyglot_notebook.kernelName or dotnet_interactive.language), or null.</summary>
    public static string? CellKernel(JsonObject cellMetadata)
    {
        if (cellMetadata["polyglot_notebook"]?["kernelName"] is JsonValue k && k.TryGetValue<string>(out var kernel)) return kernel;
        if (cellMetadata["dotnet_interactive"]?["language"] is JsonValue l && l.TryGetValue<string>(out var language)) return language;
        return null;
    }
}
