using System.Diagnostics;
using Builder.Cache.Layers;

/// <summary>
/// Layer write throughput on one root filesystem, ours against tar piped into gzip -6 and zstd -3, in one run.
/// MB/s is uncompressed tar bytes per second of wall time, best of three runs; every contender writes to
/// a file under /tmp. Run: scripts/bench-layers.sh
/// </summary>
internal static class LayerBenchmark
{
    private const int Runs = 3; // best of three, for every contender
    public static async Task RunAsync(string root)
    {
        Console.WriteLine($"root filesystem: {root}, {Environment.ProcessorCount} cores");
        Shell($"tar -C '{root}' -cf - . > /dev/null"); // warm the page cache, so every contender reads from memory
        (LayerWriteResult tar, _) = await OursAsync(root, LayerCompression.Uncompressed);
        double megabytes = tar.UncompressedSize / 1e6;
        Console.WriteLine($"uncompressed tar: {megabytes:F1} MB");
        Console.WriteLine("contender               seconds    MB/s   compressed MB");
        foreach (LayerCompression compression in new[] { LayerCompression.Uncompressed, LayerCompression.Gzip, LayerCompression.Zstd })
        {
            await OursAsync(root, compression); // warm up the JIT and the pools
            (LayerWriteResult result, double seconds) = await OursAsync(root, compression);
            for (int run = 1; run < Runs; run++)
                seconds = Math.Min(seconds, (await OursAsync(root, compression)).Item2);
            Report($"imgbuild {compression.ToString().ToLowerInvariant()}", seconds, megabytes, result.Descriptor.Size / 1e6);
        }
        foreach ((string name, string compressor) in new[] { ("tar | gzip -6", "gzip -6"), ("tar | zstd -3", "zstd -3 -q") })
        {
            string output = Path.Join(Path.GetTempPath(), "imgbuild-bench-layer");
            double seconds = double.MaxValue;
            for (int run = 0; run < Runs; run++)
            {
                var watch = Stopwatch.StartNew();
                Shell($"tar -C '{root}' --numeric-owner -cf - . | {compressor} > {output}");
                seconds = Math.Min(seconds, watch.Elapsed.TotalSeconds);
            }
            Report(name, seconds, megabytes, new FileInfo(output).Length / 1e6);
            File.Delete(output);
        }
    }

    private static async Task<(LayerWriteResult, double)> OursAsync(string root, LayerCompression compression)
    {
        string output = Path.Join(Path.GetTempPath(), "imgbuild-bench-layer");
        var watch = Stopwatch.StartNew();
        LayerWriteResult result = await LayerWriter.WriteToFileAsync(
            LayerSource.FromDirectory(root), output, new LayerWriteOptions { Compression = compression });
        double seconds = watch.Elapsed.TotalSeconds;
        File.Delete(output);
        return (result, seconds);
    }

    private static void Report(string name, double seconds, double megabytes, double compressedMegabytes) =>
        Console.WriteLine($"{name,-20} {seconds,10:F2} {megabytes / seconds,7:F1} {compressedMegabytes,15:F1}");

    private static void Shell(string command)
    {
        using Process process = Process.Start("bash", ["-c", "set -o pipefail; " + command]);
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}");
    }
}
