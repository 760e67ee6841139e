using Builder.Testing;
using Builder.Testing.Images;
using Builder.Testing.Parity;

// Remakes testdata/parity/<case>/golden from a running reference BuildKit: each case is built twice (the second time
// with --no-cache), both images are described with ImageDescription, the code the tests describe imgbuild's images
// with, and the golden is written only when the two agree. It never builds or starts BuildKit: README, "Parity with
// BuildKit", says how to make one.
//
// Usage: Builder.ParityGoldens --buildctl PATH --addr BUILDKIT_HOST --registry HOST:PORT [--once] [CASE...]
// The registry must be one the daemon reaches over plain http; the busybox fixture is pushed to it first.

string? buildctl = null, address = null, registry = null;
bool once = false;
var names = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--buildctl": buildctl = args[++i]; break;
        case "--addr": address = args[++i]; break;
        case "--registry": registry = args[++i]; break;
        case "--once": once = true; break;
        default: names.Add(args[i]); break;
    }
}
if (buildctl is null || address is null || registry is null)
{
    Console.Error.WriteLine("usage: Builder.ParityGoldens --buildctl PATH --addr BUILDKIT_HOST --registry HOST:PORT [--once] [CASE...]");
    return 2;
}

string baseImage = $"{registry}/library/busybox:latest";
ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"),
    ["copy", "--quiet", "--dest-tls-verify=false", $"oci:{BusyboxImage.OciLayoutDirectory}:latest", $"docker://{baseImage}"], timeout: TimeSpan.FromMinutes(5));
string work = Directory.CreateTempSubdirectory("imgbuild-parity-goldens-").FullName;
ImageDescription baseDescription = ImageDescription.Read(BusyboxImage.OciLayoutDirectory, Path.Combine(work, "base"));
SshAgent? sshAgent = null;
int failures = 0;
try
{
    foreach (string name in names.Count > 0 ? names : ParityCase.All())
    {
        ParityCase parity = ParityCase.Load(name);
        if (parity.Base != "busybox")
        {
            Console.WriteLine($"{name}: base '{parity.Base}', compared with the Docker engine's BuildKit instead of a golden; left alone");
            continue;
        }
        string folder = Path.Combine(work, name);
        string context = parity.PrepareContext(Path.Combine(folder, "context"));
        if (parity.NeedsSshAgent) sshAgent ??= new SshAgent();
        IReadOnlyList<string> options = BuildctlOptions.From(parity.ResolveOptions(context, sshAgent?.Socket));
        try
        {
            IReadOnlyList<string> first = Describe(folder, context, options, "first", noCache: false);
            if (!once)
            {
                IReadOnlyList<string> second = Describe(folder, context, options, "second", noCache: true);
                string diff = LineDiff.Describe(first, second);
                if (diff.Length > 0) throw new InvalidOperationException($"two BuildKit builds differ, so the case is not deterministic (- first, + second):\n{diff}");
            }
            GoldenFile.Write(parity.GoldenPath, name, first);
            Console.WriteLine($"{name}: golden written ({first.Count} lines)");
        }
        catch (InvalidOperationException e)
        {
            failures++;
            Console.WriteLine($"{name}: NOT WRITTEN: {e.Message}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
finally
{
    sshAgent?.Dispose();
    Directory.Delete(work, recursive: true);
}
return failures == 0 ? 0 : 1;

IReadOnlyList<string> Describe(string folder, string context, IReadOnlyList<string> options, string run, bool noCache)
{
    string output = Path.Combine(folder, run);
    ProcessRunner.Run(buildctl, [
        "--addr", address, "build", "--progress=plain", "--frontend", "dockerfile.v0",
        "--local", $"context={context}", "--local", $"dockerfile={context}",
        "--opt", $"build-arg:BASE={baseImage}", .. options, .. (noCache ? new[] { "--no-cache" } : []),
        "--output", $"type=oci,dest={output},tar=false"], timeout: TimeSpan.FromMinutes(10));
    return GoldenFile.Lines(ImageDescription.Read(output, Path.Combine(folder, run + "-scratch")), baseDescription);
}
