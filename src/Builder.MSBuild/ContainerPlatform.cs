using System.Runtime.InteropServices;

namespace Builder.MSBuild;

/// <summary>
/// The OCI platform of a .NET runtime identifier, as the .NET SDK maps them for images (<c>linux-x64</c> is
/// <c>linux/amd64</c>, <c>linux-musl-arm64</c> is <c>linux/arm64</c>, <c>linux-arm</c> is <c>linux/arm/v7</c>).
/// </summary>
internal static class ContainerPlatform
{
    /// <summary>The platform of <paramref name="runtimeIdentifier"/>, or <see langword="null"/> for one no Linux image runs.</summary>
    public static string? Of(string runtimeIdentifier)
    {
        string[] parts = runtimeIdentifier.Split('-');
        if (parts.Length < 2 || parts[0] != "linux") return null;
        return parts[^1] switch
        {
            "x64" => "linux/amd64",
            "arm64" => "linux/arm64",
            "arm" => "linux/arm/v7",
            "x86" => "linux/386",
            "s390x" => "linux/s390x",
            "ppc64le" => "linux/ppc64le",
            "riscv64" => "linux/riscv64",
            "loongarch64" => "linux/loong64",
            _ => null,
        };
    }

    /// <summary>
    /// The named context (<c>--build-context</c>) holding one platform's publish output in a build for several runtime
    /// identifiers: <c>imgbuild-publish-</c> and the platform's TARGETARCH and TARGETVARIANT (<c>amd64</c>, <c>armv7</c>).
    /// </summary>
    public static string PublishContextName(string platform)
    {
        string[] parts = platform.Split('/');
        return PublishContextPrefix + string.Concat(parts.Skip(1));
    }

    /// <summary>
    /// <see cref="PublishContextName"/> as a generated Dockerfile's FROM names it: BuildKit expands no variable in
    /// <c>COPY --from</c>, so a stage FROM this name (the predefined platform ARGs expand in FROM) holds the files.
    /// </summary>
    public const string PublishContextFrom = PublishContextPrefix + "${TARGETARCH}${TARGETVARIANT}";

    private const string PublishContextPrefix = "imgbuild-publish-";

    /// <summary>This machine's platform (the default when no runtime identifier says otherwise).</summary>
    public static string Current => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "linux/amd64",
        Architecture.Arm64 => "linux/arm64",
        Architecture.Arm => "linux/arm/v7",
        Architecture.X86 => "linux/386",
        Architecture.S390x => "linux/s390x",
        Architecture.Ppc64le => "linux/ppc64le",
        Architecture.RiscV64 => "linux/riscv64",
        Architecture.LoongArch64 => "linux/loong64",
        Architecture other => $"linux/{other.ToString().ToLowerInvariant()}",
    };
}
