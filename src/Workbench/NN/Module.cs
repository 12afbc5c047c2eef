using Workbench.Tensors;

namespace Workbench.NN;

// Minimal placeholder so Workbench.IO.ModuleCheckpoint compiles; replaced by the full Module class.
public abstract class Module { public abstract IEnumerable<(string Name, Tensor Parameter)> NamedParameters(); }
