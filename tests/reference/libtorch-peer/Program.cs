// libtorch 2.10 peer of the workbench's image VAEs (TorchSharp 0.107 over libtorch's CPU build): the strongest CPU peer a
// researcher would pick, beside pytorch_vae.py's PyTorch 1.13. It trains exactly pytorch_vae.py's models (Vae.cs) the way
// pytorch_vae.py's train_epoch does: shuffled Fashion-MNIST training images, batch 128, Adam 1e-3, loss = BCE with logits
// summed + KL (divided by the batch's images for conv and conv-bn, as the workbench trains them). Two modes:
//
//   serve   load the data, print {"ready": true, "torch": …, "threads": …, "parameters": …}, then train one epoch per line read from
//           stdin and print {"seconds": …, "loss": …} after each (so a benchmark can interleave epochs with its own)
//   bench   time --epochs epochs of training and print one JSON line
//
// Options: --architecture mlp|conv|conv-bn, --threads N (torch.set_num_threads; inter-op threads are always 1),
// --limit N (first N training images), --epochs N, --batch-size N, --seed N, --data-dir DIR (the IDX files; default
// $WORKBENCH_FASHION_MNIST or /usr/share/datasets/fashion-mnist).
//
// Run it through `workbench bench epoch --libtorch-threads 1,2`, which builds it and makes TorchSharp's glue library
// loadable first (on Debian 12 its libstdc++ lacks a symbol version the glue names; see ElfVersionNeeds.cs).
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using LibTorchPeer;
using TorchSharp;
using static TorchSharp.torch;

var options = PeerOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: LibTorchPeer serve|bench [--architecture mlp|conv|conv-bn] [--threads N] [--limit N] [--epochs N] " +
                            "[--batch-size N] [--seed N] [--data-dir DIR]");
    return 2;
}
if (LoadGlue() is { } problem)
{
    Console.Error.WriteLine(problem);
    return 3;
}

set_num_interop_threads(1);
if (options.Threads is { } threads) set_num_threads(threads);
manual_seed(options.Seed);
var model = options.Architecture switch
{
    "conv" => Vae.Conv(),
    "conv-bn" => Vae.ConvBn(),
    _ => Vae.Mlp(),
};
using var train = FashionMnist.LoadTrainingImages(options.DataDirectory, options.Limit);
var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
var generator = new Generator((ulong)options.Seed);
bool perImage = options.Architecture != "mlp";

if (options.Mode == "serve")
{
    Reply(new
    {
        ready = true, torch = __version__, torchsharp = TorchSharpVersion(), threads = get_num_threads(),
        interop_threads = get_num_interop_threads(), architecture = options.Architecture, images = train.shape[0],
        parameters = model.parameters().Sum(p => p.numel()),
    });
    while (Console.ReadLine() is not null)
    {
        var clock = Stopwatch.StartNew();
        double loss = TrainEpoch();
        Reply(new { seconds = clock.Elapsed.TotalSeconds, loss });
    }
    return 0;
}

var seconds = new List<double>();
for (int epoch = 0; epoch < options.Epochs; epoch++)
{
    var clock = Stopwatch.StartNew();
    TrainEpoch();
    seconds.Add(clock.Elapsed.TotalSeconds);
}
Reply(new
{
    seconds_per_epoch = seconds.Order().ElementAt(seconds.Count / 2), epochs = options.Epochs, threads = get_num_threads(),
    architecture = options.Architecture, torch = __version__, torchsharp = TorchSharpVersion(),
});
return 0;

// One epoch in shuffled batches, as pytorch_vae.py's train_epoch; returns the mean training loss, nats per image.
double TrainEpoch()
{
    model.train();
    long count = train.shape[0];
    using var order = randperm(count, generator: generator);
    double total = 0;
    for (long start = 0; start < count; start += options.BatchSize)
    {
        using var scope = NewDisposeScope();
        var x = train.index_select(0, order.narrow(0, start, Math.Min(options.BatchSize, count - start)));
        optimizer.zero_grad();
        var (logits, mu, logVar) = model.call(x);
        var loss = Vae.Loss(logits, x, mu, logVar);
        total += loss.item<float>();
        if (perImage) loss = loss / x.shape[0];
        loss.backward();
        optimizer.step();
    }
    return total / count;
}

static void Reply(object value)
{
    Console.WriteLine(JsonSerializer.Serialize(value));
    Console.Out.Flush();
}

static string TorchSharpVersion() =>
    typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

// Loads the glue library from this program's own runtimes folder before TorchSharp looks for it: when it cannot load
// there, TorchSharp would copy libtorch's ~600 MB from the NuGet cache next to this program and try an unpatched copy.
static string? LoadGlue()
{
    if (!OperatingSystem.IsLinux()) return null;
    string glue = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    try
    {
        NativeLibrary.Load(glue);
        return null;
    }
    catch (DllNotFoundException e)
    {
        return $"cannot load {glue}: {e.Message.Trim()} (workbench bench epoch --libtorch-threads marks the symbol versions this system's libraries lack as weak in this copy)";
    }
}
