namespace Workbench.Interchange.Onnx;

/// <summary>A model, part or layer the ONNX exporter cannot write, named in the message; nothing was written.</summary>
public sealed class OnnxExportException(string message) : Exception(message);
