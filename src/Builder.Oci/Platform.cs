using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Builder.Oci;

/// <summary>
/// A platform as the OCI image index describes it (image-index.md, <c>platform</c>): operating system,
/// architecture and an optional CPU variant. Values are normalised when constructed, the way containerd's
/// <c>platforms</c> package does, so <c>linux/aarch64</c> and <c>linux/arm64/v8</c> are the same platform.
/// </summary>
public sealed record Platform
{
    /// <summary>Creates a platform, normalising the values (lowercase; <c>x86_64</c> → <c>amd64</c>, …).</summary>
    /// <exception cref="FormatException">A component is empty or has characters other than letters, digits, '_', '.' and '-'.</exception>
    public Platform(string os, string architecture, string? variant = null)
    {
        string written = variant is null or "" ? $"{os}/{architecture}" : $"{os}/{architecture}/{variant}";
        Check(written, "operating system", os);
        Check(written, "architecture", architecture);
        if (variant is not null and not "")
            Check(written, "variant", variant);
        OS = NormaliseOS(os);
        (Architecture, Variant) = NormaliseArchitecture(architecture, variant ?? "");
    }

    /// <summary>The operating system, for example <c>linux</c>.</summary>
    public string OS { get; }

    /// <summary>The CPU architecture in Go's naming, for example <c>amd64</c> or <c>arm64</c>.</summary>
    public string Architecture { get; }

    /// <summary>The CPU variant, for example <c>v7</c> for <c>arm</c>; empty when there is none.</summary>
    public string Variant { get; }

    /// <summary>The platform this process runs on.</summary>
    public static Platform Current { get; } = FromRuntime();

    /// <summary>
    /// Parses a platform specifier: <c>os/arch[/variant]</c>, or only an OS (the current architecture is
    /// assumed) or only an architecture (<c>linux</c> is assumed), as containerd's <c>platforms.Parse</c> does.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="specifier"/> is not a platform; the message quotes it.</exception>
    public static Platform Parse(string specifier)
    {
        ArgumentNullException.ThrowIfNull(specifier);
        if (specifier.Length == 0)
            throw new FormatException("'' is not a platform: the platform is empty; expected 'os/arch', for example 'linux/arm64'");
        string[] parts = specifier.Split('/');
        switch (parts.Length)
        {
            case 1 when parts[0].Length > 0:
                string only = parts[0].ToLowerInvariant();
                if (KnownOperatingSystems.Contains(NormaliseOS(only)))
                    return new Platform(only, Current.Architecture, Current.Variant);
                Check(specifier, "architecture", only);
                return new Platform("linux", only);
            case 2:
                return new Platform(parts[0], parts[1]);
            case 3:
                Check(specifier, "variant", parts[2]);
                return new Platform(parts[0], parts[1], parts[2]);
            default:
                throw new FormatException(
                    $"'{specifier}' is not a platform: expected 'os/arch' or 'os/arch/variant', for example 'linux/arm64'");
        }
    }

    /// <summary>Parses a platform specifier, returning <see langword="false"/> instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? specifier, [NotNullWhen(true)] out Platform? platform)
    {
        platform = null;
        if (specifier is null)
            return false;
        try
        {
            platform = Parse(specifier);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary><c>os/arch</c>, or <c>os/arch/variant</c> when there is a variant.</summary>
    public override string ToString() => Variant.Length == 0 ? $"{OS}/{Architecture}" : $"{OS}/{Architecture}/{Variant}";

    private static readonly HashSet<string> KnownOperatingSystems =
    [
        "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl",
        "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
    ];

    private static void Check(string written, string what, string value)
    {
        if (value.Length == 0)
            throw new FormatException($"'{written}' is not a platform: the {what} is empty");
        foreach (char c in value)
        {
            // containerd's specifier grammar: [A-Za-z0-9_.-]+ per component.
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
                throw new FormatException(
                    $"'{written}' is not a platform: the {what} '{value}' may only have letters, digits, '_', '.' and '-'");
        }
    }

    private static string NormaliseOS(string os)
    {
        os = os.ToLowerInvariant();
        return os == "macos" ? "darwin" : os;
    }

    // containerd platforms/database.go normalizeArch: the aliases distributions and uname use.
    private static (string Architecture, string Variant) NormaliseArchitecture(string architecture, string variant)
    {
        architecture = architecture.ToLowerInvariant();
        variant = variant.ToLowerInvariant();
        return architecture switch
        {
            "i386" => ("386", ""),
            "x86_64" or "x86-64" or "amd64" => ("amd64", variant == "v1" ? "" : variant),
            "aarch64" or "arm64" => ("arm64", variant switch
            {
                "8" or "v8" or "v8.0" => "",
                "9" or "9.0" or "v9.0" => "v9",
                _ => variant,
            }),
            "armhf" => ("arm", "v7"),
            "armel" => ("arm", "v6"),
            "arm" => ("arm", variant switch
            {
                "" or "7" => "v7",
                "5" or "6" or "8" => "v" + variant,
                _ => variant,
            }),
            _ => (architecture, variant),
        };
    }

    private static Platform FromRuntime()
    {
        string os = OperatingSystem.IsLinux() ? "linux"
            : OperatingSystem.IsWindows() ? "windows"
            : OperatingSystem.IsMacOS() ? "darwin"
            : OperatingSystem.IsFreeBSD() ? "freebsd"
            : RuntimeInformation.OSDescription.Split(' ')[0].ToLowerInvariant();
        (string architecture, string variant) = RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => ("amd64", ""),
            System.Runtime.InteropServices.Architecture.X86 => ("386", ""),
            System.Runtime.InteropServices.Architecture.Arm64 => ("arm64", ""),
            System.Runtime.InteropServices.Architecture.Arm => ("arm", "v7"),
            System.Runtime.InteropServices.Architecture.Armv6 => ("arm", "v6"),
            System.Runtime.InteropServices.Architecture.S390x => ("s390x", ""),
            System.Runtime.InteropServices.Architecture.Ppc64le => ("ppc64le", ""),
            System.Runtime.InteropServices.Architecture.LoongArch64 => ("loong64", ""),
            System.Runtime.InteropServices.Architecture.RiscV64 => ("riscv64", ""),
            var other => (other.ToString().ToLowerInvariant(), ""),
        };
        return new Platform(os, architecture, variant);
    }
}
