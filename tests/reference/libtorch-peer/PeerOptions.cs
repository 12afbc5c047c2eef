namespace LibTorchPeer;

/// <summary>The peer's command line, with pytorch_vae.py's names and defaults.</summary>
internal sealed record PeerOptions(string Mode, string Architecture, int? Threads, int? Limit, int Epochs, int BatchSize, int Seed, string DataDirectory)
{
    private static readonly string[] Modes = ["serve", "bench"], Architectures = ["mlp", "conv", "conv-bn"];

    /// <summary>The options, or null when an argument is unknown, lacks its value or is out of range.</summary>
    public static PeerOptions? Parse(string[] args)
    {
        if (args.Length == 0 || !Modes.Contains(args[0])) return null;
        var options = new PeerOptions(args[0], "mlp", null, null, 10, 128, 1,
            Environment.GetEnvironmentVariable("WORKBENCH_FASHION_MNIST") ?? "/usr/share/datasets/fashion-mnist");
        for (int i = 1; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) return null;
            string value = args[i + 1];
            int? number = int.TryParse(value, out int n) && n >= 1 ? n : null;
            options = args[i] switch
            {
                "--architecture" when Architectures.Contains(value) => options with { Architecture = value },
                "--threads" when number is not null => options with { Threads = number },
                "--limit" when number is not null => options with { Limit = number },
                "--epochs" when number is not null => options with { Epochs = number.Value },
                "--batch-size" when number is not null => options with { BatchSize = number.Value },
                "--seed" when int.TryParse(value, out int seed) => options with { Seed = seed },
                "--data-dir" => options with { DataDirectory = value },
                _ => null,
            };
            if (options is null) return null;
        }
        return options;
    }
}
