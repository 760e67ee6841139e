namespace Builder.Testing.Images;

/// <summary>
/// A Debian base with this machine's .NET runtime (ASP.NET Core included) copied in, as an OCI layout tagged
/// <c>latest</c>: a Debian minbase rootfs from debootstrap (made once per machine, from the package mirror), then a
/// layer with <c>/usr/share/dotnet</c> and <c>/usr/bin/dotnet</c>. Apps published framework-dependent run on it.
/// </summary>
public static class DotnetRuntimeImage
{
    private static readonly Lazy<string> Layout = new(Build);

    public static string OciLayoutDirectory => Layout.Value;

    private static string Build()
    {
        string dotnetRoot = Path.GetDirectoryName(new FileInfo(RequiredTool.Find("dotnet", "dotnet")).ResolveLinkTarget(returnFinalTarget: true)?.FullName
            ?? RequiredTool.Find("dotnet", "dotnet"))!;
        string runtime = Directory.GetDirectories(Path.Combine(dotnetRoot, "shared", "Microsoft.NETCore.App")).Select(Path.GetFileName).Order().Last()!;
        string debian = DebianImage.RootfsParent;
        return FixtureDirectory.GetOrBuild($"dotnet-runtime-{runtime}", directory =>
        {
            string layer = Path.Combine(directory, "dotnet-layer");
            string target = Path.Combine(layer, "usr", "share", "dotnet");
            Directory.CreateDirectory(Path.Combine(target, "shared"));
            Directory.CreateDirectory(Path.Combine(layer, "usr", "bin"));
            ProcessRunner.Run("cp", ["-a", Path.Combine(dotnetRoot, "dotnet"), Path.Combine(dotnetRoot, "host"), target]);
            foreach (string framework in new[] { "Microsoft.NETCore.App", "Microsoft.AspNetCore.App" })
            {
                Directory.CreateDirectory(Path.Combine(target, "shared", framework));
                ProcessRunner.Run("cp", ["-a", Path.Combine(dotnetRoot, "shared", framework, runtime), Path.Combine(target, "shared", framework)]);
            }
            File.CreateSymbolicLink(Path.Combine(layer, "usr", "bin", "dotnet"), "../share/dotnet/dotnet");
            FixtureImageWriter.Write(directory, [Path.Combine(debian, "rootfs"), layer],
                ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "DOTNET_ROOT=/usr/share/dotnet"], ["bash"],
                $"Debian bookworm minbase with the .NET {runtime} runtime (imgbuild test fixture)");
            Directory.Delete(layer, recursive: true);
        });
    }
}
