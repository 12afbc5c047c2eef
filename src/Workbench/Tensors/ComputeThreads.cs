using Workbench.Kernels;

namespace Workbench.Tensors;

/// <summary>
/// How many threads one tensor operation may use (matrix multiplies and large elementwise kernels); by
/// default every logical core. A process shares its cores with others by lowering it: a Slurm task sets it
/// from <c>SLURM_CPUS_PER_TASK</c>, and <c>workbench run --parallel N</c> gives each of its N runs a share.
/// Results depend on the seed and on this count, so a run records it in environment.json.
/// </summary>
public static class ComputeThreads
{
    public static int Count
    {
        get => Gemm.MaxThreads;
        set => Gemm.MaxThreads = value; // throws ArgumentOutOfRangeException below 1
    }
}
