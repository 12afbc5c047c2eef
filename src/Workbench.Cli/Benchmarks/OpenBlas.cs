using System.Runtime.InteropServices;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// OpenBLAS's <c>cblas_sgemm</c>, loaded at run time from libopenblas.so.0, as a yardstick for the managed
/// GEMM. Only the benchmark uses it; the library itself never calls native code.
/// </summary>
internal sealed unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm;
    private readonly delegate* unmanaged<int> getNumThreads;
    private readonly delegate* unmanaged<byte*> getConfig;
    private readonly delegate* unmanaged<int, void> setNumThreads;

    private OpenBlas(nint library)
    {
        sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLibrary.GetExport(library, "cblas_sgemm");
        if (NativeLibrary.TryGetExport(library, "openblas_get_num_threads", out var threads))
            getNumThreads = (delegate* unmanaged<int>)threads;
        if (NativeLibrary.TryGetExport(library, "openblas_get_config", out var config))
            getConfig = (delegate* unmanaged<byte*>)config;
        if (NativeLibrary.TryGetExport(library, "openblas_set_num_threads", out var setThreads))
            setNumThreads = (delegate* unmanaged<int, void>)setThreads;
    }

    /// <summary>The library from its Debian path or the loader's search path; null (with the reason) when absent.</summary>
    public static OpenBlas? TryLoad(out string problem)
    {
        foreach (var name in new[] { "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "libopenblas.so.0" })
        {
            if (!NativeLibrary.TryLoad(name, out var library)) continue;
            if (!NativeLibrary.TryGetExport(library, "cblas_sgemm", out _))
            {
                problem = $"{name} has no cblas_sgemm export";
                return null;
            }
            problem = "";
            return new OpenBlas(library);
        }
        problem = "libopenblas.so.0 could not be loaded";
        return null;
    }

    /// <summary>
    /// Threads OpenBLAS uses (its own default unless OPENBLAS_NUM_THREADS says otherwise), or −1 if unknown;
    /// settable through openblas_set_num_threads.
    /// </summary>
    public int Threads
    {
        get => getNumThreads == null ? -1 : getNumThreads();
        set { if (setNumThreads != null) setNumThreads(value); }
    }

    /// <summary>OpenBLAS's build description (version, target core), or empty.</summary>
    public string Config => getConfig == null ? "" : Marshal.PtrToStringUTF8((nint)getConfig()) ?? "";

    /// <summary>Row-major C = α·op(A)·op(B) + β·C, with the same meaning as <c>Gemm.Multiply</c>.</summary>
    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        fixed (float* pa = a, pb = b, pc = c)
            sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }
}
