using System.Globalization;

namespace Workbench.NN;

/// <summary>Values written as Python's <c>repr</c> writes them, for PyTorch's module print format.</summary>
internal static class PythonRepr
{
    /// <summary>A float as Python prints it: "1.0", "0.5", "-1.0", "1e-05", "inf", "nan".</summary>
    public static string Float(float value)
    {
        if (float.IsNaN(value)) return "nan";
        if (float.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        string text = value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
        return text.Contains('.') || text.Contains('e') ? text : text + ".0";
    }
}
