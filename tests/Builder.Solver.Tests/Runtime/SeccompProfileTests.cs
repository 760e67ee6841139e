using System.Buffers;
using System.Text.Json;
using Builder.Solver.Runtime;

namespace Builder.Solver.Tests.Runtime;

/// <summary>Docker's default seccomp profile, resolved as moby's setupSeccomp does for one container.</summary>
public sealed class SeccompProfileTests
{
    private static readonly string[] DockerDefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    private static readonly Version Kernel = new(6, 1);

    private static HashSet<string> Allowed(SeccompProfile profile) =>
        [.. profile.Syscalls.Where(r => r.GetProperty("action").GetString() == "SCMP_ACT_ALLOW" && !r.TryGetProperty("args", out _))
            .SelectMany(r => r.GetProperty("names").EnumerateArray().Select(n => n.GetString()!))];

    [Fact]
    public void For_DefaultCapabilitiesOnAmd64_DeniesNamespaceAndMountSyscallsByDefault()
    {
        SeccompProfile profile = SeccompProfile.For(DockerDefaultCapabilities, "amd64", Kernel);

        Assert.Equal("SCMP_ACT_ERRNO", profile.DefaultAction);
        Assert.Equal(1, profile.DefaultErrnoRet); // EPERM
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], profile.Architectures.ToArray());
        HashSet<string> allowed = Allowed(profile);
        Assert.Contains("read", allowed);
        Assert.Contains("arch_prctl", allowed);   // amd64 only
        Assert.Contains("chroot", allowed);       // CAP_SYS_CHROOT is in the set
        Assert.DoesNotContain("unshare", allowed); // CAP_SYS_ADMIN only
        Assert.DoesNotContain("mount", allowed);
        Assert.DoesNotContain("keyctl", allowed);  // never allowed
        Assert.DoesNotContain("riscv_flush_icache", allowed);
    }

    [Fact]
    public void For_WithSysAdmin_AllowsMountAndUnshareAndDropsTheCloneFlagRule()
    {
        SeccompProfile profile = SeccompProfile.For([.. DockerDefaultCapabilities, "CAP_SYS_ADMIN"], "amd64", Kernel);

        HashSet<string> allowed = Allowed(profile);
        Assert.Contains("mount", allowed);
        Assert.Contains("unshare", allowed);
        Assert.DoesNotContain(profile.Syscalls, r => r.TryGetProperty("excludes", out JsonElement e) && e.GetRawText().Contains("CAP_SYS_ADMIN"));
    }

    [Fact]
    public void For_Arm64_CoversArmAndAllowsItsOwnSyscalls()
    {
        SeccompProfile profile = SeccompProfile.For(DockerDefaultCapabilities, "arm64", Kernel);

        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], profile.Architectures.ToArray());
        Assert.Contains("arm_fadvise64_64", Allowed(profile));
        Assert.DoesNotContain("arch_prctl", Allowed(profile));
    }

    [Fact]
    public void For_KernelBefore4_8_LeavesOutPtrace()
    {
        Assert.DoesNotContain("ptrace", Allowed(SeccompProfile.For(DockerDefaultCapabilities, "amd64", new Version(4, 4))));
        Assert.Contains("ptrace", Allowed(SeccompProfile.For(DockerDefaultCapabilities, "amd64", Kernel)));
    }

    [Fact]
    public void Write_RuntimeSpecSeccomp_HasArgumentRulesInOciForm()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            SeccompProfile.For(DockerDefaultCapabilities, "amd64", Kernel).Write(json);
            json.WriteEndObject();
        }

        JsonElement seccomp = JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetProperty("seccomp");
        JsonElement personality = seccomp.GetProperty("syscalls").EnumerateArray()
            .First(r => r.GetProperty("names")[0].GetString() == "personality");
        Assert.Equal("SCMP_CMP_EQ", personality.GetProperty("args")[0].GetProperty("op").GetString());
        Assert.Equal(0u, personality.GetProperty("args")[0].GetProperty("index").GetUInt32());
        Assert.Equal(1, seccomp.GetProperty("defaultErrnoRet").GetInt32());
    }

    [Fact]
    public void RuntimeSpec_SandboxHasSeccompAndPrivilegedHasNone()
    {
        var spec = new ContainerSpec("/rootfs", new ContainerProcess(["/bin/true"], [], "/", ContainerUser.Root));

        JsonElement sandbox = JsonDocument.Parse(RuntimeSpecWriter.Write(spec)).RootElement.GetProperty("linux");
        JsonElement privileged = JsonDocument.Parse(RuntimeSpecWriter.Write(spec with { Privileged = true })).RootElement.GetProperty("linux");

        Assert.Equal("SCMP_ACT_ERRNO", sandbox.GetProperty("seccomp").GetProperty("defaultAction").GetString());
        Assert.False(privileged.TryGetProperty("seccomp", out _));
    }

    [Fact]
    public void CapabilitiesIn_Mask_NamesEachSetBitInOrder()
    {
        // CAP_CHOWN is bit 0, CAP_SYS_ADMIN 21, CAP_SYS_RESOURCE 24; bit 63 is no capability.
        Assert.Equal(["CAP_CHOWN", "CAP_SYS_ADMIN"], RuntimeSpecWriter.CapabilitiesIn(1UL | 1UL << 21 | 1UL << 63).ToArray());
    }
}
