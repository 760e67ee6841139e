using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Builder.Solver.Runtime;

/// <summary>
/// Docker's default seccomp profile, resolved for one container as moby's <c>profiles/seccomp</c> (setupSeccomp)
/// does: the native architecture and its sub-architectures, and only the rules whose <c>includes</c> hold (every
/// capability listed is in the container's set, the architecture matches, the kernel is recent enough) and whose
/// <c>excludes</c> do not. BuildKit applies it to every RUN unless <c>--security=insecure</c>
/// (executor/oci/spec_linux.go). The rules are data: <c>SeccompDefaultProfile.json</c>, an embedded resource.
/// </summary>
internal sealed class SeccompProfile
{
    private const string ResourceName = "Builder.Solver.Runtime.SeccompDefaultProfile.json";

    private static readonly Lazy<JsonDocument> Rules = new(Load);

    private SeccompProfile(string defaultAction, int? defaultErrnoRet, ImmutableArray<string> architectures, ImmutableArray<JsonElement> syscalls)
    {
        (DefaultAction, DefaultErrnoRet, Architectures, Syscalls) = (defaultAction, defaultErrnoRet, architectures, syscalls);
    }

    /// <summary>What a syscall no rule allows gets: <c>SCMP_ACT_ERRNO</c>.</summary>
    public string DefaultAction { get; }

    /// <summary>The errno of <see cref="DefaultAction"/>: EPERM.</summary>
    public int? DefaultErrnoRet { get; }

    /// <summary>The seccomp architectures the filter covers (the native one first).</summary>
    public ImmutableArray<string> Architectures { get; }

    /// <summary>The rules that apply, each as written in the profile (names, action, args, errnoRet).</summary>
    public ImmutableArray<JsonElement> Syscalls { get; }

    /// <summary>The profile for a container with <paramref name="capabilities"/> on this machine's architecture and kernel.</summary>
    public static SeccompProfile For(IReadOnlyCollection<string> capabilities) =>
        For(capabilities, GoArchitecture(RuntimeInformation.ProcessArchitecture), Environment.OSVersion.Version);

    /// <summary>The profile for a container with <paramref name="capabilities"/> on <paramref name="goArchitecture"/> (Go's GOARCH name) and <paramref name="kernel"/>.</summary>
    public static SeccompProfile For(IReadOnlyCollection<string> capabilities, string goArchitecture, Version kernel)
    {
        JsonElement root = Rules.Value.RootElement;
        string native = SeccompArchitecture(goArchitecture);
        var architectures = ImmutableArray.CreateBuilder<string>();
        foreach (JsonElement entry in root.GetProperty("archMap").EnumerateArray())
        {
            if (entry.GetProperty("architecture").GetString() != native) continue;
            architectures.Add(native);
            if (entry.GetProperty("subArchitectures") is { ValueKind: JsonValueKind.Array } sub)
                architectures.AddRange(sub.EnumerateArray().Select(a => a.GetString()!));
        }
        var syscalls = ImmutableArray.CreateBuilder<JsonElement>();
        foreach (JsonElement rule in root.GetProperty("syscalls").EnumerateArray())
        {
            bool excluded = rule.TryGetProperty("excludes", out JsonElement excludes)
                && (Strings(excludes, "arches").Contains(goArchitecture)
                    || Strings(excludes, "caps").Any(capabilities.Contains)
                    || (MinKernel(excludes) is { } notFrom && kernel >= notFrom));
            bool included = !rule.TryGetProperty("includes", out JsonElement includes)
                || ((Strings(includes, "arches") is var arches && (arches.Length == 0 || arches.Contains(goArchitecture)))
                    && Strings(includes, "caps").All(capabilities.Contains)
                    && (MinKernel(includes) is not { } from || kernel >= from));
            if (!excluded && included) syscalls.Add(rule);
        }
        return new SeccompProfile(root.GetProperty("defaultAction").GetString()!,
            root.TryGetProperty("defaultErrnoRet", out JsonElement errno) ? errno.GetInt32() : null,
            architectures.ToImmutable(), syscalls.ToImmutable());
    }

    /// <summary>Writes the profile as the runtime spec's <c>linux.seccomp</c> object (config-linux.md#seccomp).</summary>
    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject("seccomp");
        json.WriteString("defaultAction", DefaultAction);
        if (DefaultErrnoRet is int errno) json.WriteNumber("defaultErrnoRet", errno);
        json.WriteStartArray("architectures");
        foreach (string architecture in Architectures) json.WriteStringValue(architecture);
        json.WriteEndArray();
        json.WriteStartArray("syscalls");
        foreach (JsonElement rule in Syscalls)
        {
            json.WriteStartObject();
            json.WritePropertyName("names");
            rule.GetProperty("names").WriteTo(json);
            json.WriteString("action", rule.GetProperty("action").GetString());
            if (rule.TryGetProperty("errnoRet", out JsonElement errnoRet)) json.WriteNumber("errnoRet", errnoRet.GetInt32());
            if (rule.TryGetProperty("args", out JsonElement args))
            {
                json.WriteStartArray("args");
                foreach (JsonElement arg in args.EnumerateArray())
                {
                    json.WriteStartObject();
                    json.WriteNumber("index", arg.GetProperty("index").GetUInt32());
                    json.WriteNumber("value", arg.GetProperty("value").GetUInt64());
                    if (arg.TryGetProperty("valueTwo", out JsonElement two)) json.WriteNumber("valueTwo", two.GetUInt64());
                    json.WriteString("op", arg.GetProperty("op").GetString());
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // moby's nativeToSeccomp, for the architectures .NET runs on.
    private static string SeccompArchitecture(string goArchitecture) => goArchitecture switch
    {
        "amd64" => "SCMP_ARCH_X86_64", "386" => "SCMP_ARCH_X86", "arm64" => "SCMP_ARCH_AARCH64", "arm" => "SCMP_ARCH_ARM",
        "s390x" => "SCMP_ARCH_S390X", "riscv64" => "SCMP_ARCH_RISCV64", "ppc64le" => "SCMP_ARCH_PPC64LE",
        "loong64" => "SCMP_ARCH_LOONGARCH64",
        _ => throw new PlatformNotSupportedException($"no seccomp architecture for '{goArchitecture}'"),
    };

    private static string GoArchitecture(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "amd64", Architecture.X86 => "386", Architecture.Arm64 => "arm64", Architecture.Arm => "arm",
        Architecture.S390x => "s390x", Architecture.RiscV64 => "riscv64", Architecture.Ppc64le => "ppc64le",
        Architecture.LoongArch64 => "loong64",
        _ => throw new PlatformNotSupportedException($"no seccomp architecture for {architecture}"),
    };

    private static string[] Strings(JsonElement condition, string name) =>
        condition.TryGetProperty(name, out JsonElement list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(e => e.GetString()!)]
            : [];

    private static Version? MinKernel(JsonElement condition) =>
        condition.TryGetProperty("minKernel", out JsonElement value) ? Version.Parse(value.GetString()!) : null;

    private static JsonDocument Load()
    {
        using Stream stream = typeof(SeccompProfile).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the build of Builder.Solver lacks its resource {ResourceName}");
        return JsonDocument.Parse(stream);
    }
}
