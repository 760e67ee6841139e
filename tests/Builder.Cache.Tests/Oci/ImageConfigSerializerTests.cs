using System.Collections.Immutable;
using System.Text;
using Builder.Oci;

namespace Builder.Cache.Tests.Oci;

public class ImageConfigSerializerTests
{
    private const string DiffId = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static ImageConfig SmallConfig() => new()
    {
        Created = new DateTimeOffset(2024, 5, 6, 7, 8, 9, 500, TimeSpan.Zero),
        Architecture = "arm64",
        OS = "linux",
        Config = new ContainerConfig
        {
            User = "app",
            ExposedPorts = ImmutableSortedSet.Create(StringComparer.Ordinal, "8080/tcp", "443/tcp"),
            Env = ["PATH=/usr/bin", "A=b && c"],
            Cmd = ["run"],
            Labels = ImmutableSortedDictionary.CreateRange<string, string>(StringComparer.Ordinal,
                [new("z", "1"), new("a", "é")]),
            Healthcheck = new Healthcheck
            {
                Test = ["CMD-SHELL", "curl -f http://localhost/"],
                Interval = TimeSpan.FromSeconds(30),
                StartInterval = TimeSpan.FromMilliseconds(5),
                Retries = 3,
            },
            Shell = ["/bin/bash", "-c"],
        },
        RootFs = new RootFs { DiffIds = [Digest.Parse(DiffId)] },
        History =
        [
            new HistoryEntry { CreatedBy = "ENV A=b", EmptyLayer = true },
            new HistoryEntry { Created = new DateTimeOffset(2024, 5, 6, 9, 8, 9, TimeSpan.FromHours(2)), CreatedBy = "RUN x" },
        ],
    };

    // Written by hand from config.md and Docker's image spec: lowercase names at the top level, Docker's capital
    // names inside "config", maps sorted, durations in nanoseconds, empty fields left out.
    private static readonly string SmallConfigJson = """
        {"created":"2024-05-06T07:08:09.5Z","architecture":"arm64","os":"linux","config":{"User":"app",
        "ExposedPorts":{"443/tcp":{},"8080/tcp":{}},"Env":["PATH=/usr/bin","A=b && c"],"Cmd":["run"],
        "Labels":{"a":"é","z":"1"},"Healthcheck":{"Test":["CMD-SHELL","curl -f http://localhost/"],
        "Interval":30000000000,"StartInterval":5000000,"Retries":3},"Shell":["/bin/bash","-c"]},
        "rootfs":{"type":"layers","diff_ids":["sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]},
        "history":[{"created_by":"ENV A=b","empty_layer":true},{"created":"2024-05-06T07:08:09Z","created_by":"RUN x"}]}
        """.ReplaceLineEndings("");

    [Fact]
    public void Serialize_SmallConfig_WritesPinnedBytes() =>
        Assert.Equal(SmallConfigJson, Encoding.UTF8.GetString(ImageConfigSerializer.Serialize(SmallConfig())));

    [Fact]
    public void Serialize_EmptyConfig_LeavesOutEmptyFields() =>
        Assert.Equal("""{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}""",
            Encoding.UTF8.GetString(ImageConfigSerializer.Serialize(ImageConfig.Empty(Platform.Parse("linux/amd64")))));

    [Fact]
    public void Serialize_Variant_IsWrittenAfterOS() =>
        Assert.StartsWith("""{"architecture":"arm","os":"linux","variant":"v7",""",
            Encoding.UTF8.GetString(ImageConfigSerializer.Serialize(ImageConfig.Empty(Platform.Parse("linux/arm/v7")))));

    [Fact]
    public void Deserialize_PinnedBytes_RoundTripsToSameBytes()
    {
        byte[] json = Encoding.UTF8.GetBytes(SmallConfigJson);
        Assert.Equal(json, ImageConfigSerializer.Serialize(ImageConfigSerializer.Deserialize(json)));
    }

    [Fact]
    public void Deserialize_PinnedBytes_ReadsEveryField()
    {
        ImageConfig c = ImageConfigSerializer.Deserialize(Encoding.UTF8.GetBytes(SmallConfigJson));
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, 500, TimeSpan.Zero), c.Created);
        Assert.Equal<string>(["8080/tcp", "443/tcp"], c.Config.ExposedPorts.OrderByDescending(p => p.Length));
        Assert.Equal(TimeSpan.FromSeconds(30), c.Config.Healthcheck!.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(5), c.Config.Healthcheck.StartInterval);
        Assert.Equal(3, c.Config.Healthcheck.Retries);
        Assert.True(c.History[0].EmptyLayer);
        Assert.Equal(Digest.Parse(DiffId), Assert.Single(c.RootFs.DiffIds));
        Assert.Equal("é", c.Config.Labels["a"]);
    }

    [Fact]
    public void Deserialize_DockerConfigWithUnknownFieldsAndNanoseconds_Reads()
    {
        const string json = """
            {"architecture":"amd64","os":"linux","docker_version":"24","created":"2024-01-02T03:04:05.123456789Z",
             "config":{"Env":null,"Volumes":{"/data":{}},"ArgsEscaped":true,"OnBuild":["RUN x"],"WorkingDir":"/w"},
             "rootfs":{"type":"layers","diff_ids":[]}}
            """;
        ImageConfig c = ImageConfigSerializer.Deserialize(Encoding.UTF8.GetBytes(json));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567), c.Created);
        Assert.Empty(c.Config.Env);
        Assert.Equal<string>(["/data"], c.Config.Volumes);
        Assert.True(c.Config.ArgsEscaped);
        Assert.Equal<string>(["RUN x"], c.Config.OnBuild);
        Assert.Equal("/w", c.Config.WorkingDir);
    }

    [Theory]
    [InlineData("""{"os":"linux"}""", "'architecture'")]
    [InlineData("""{"architecture":"amd64"}""", "'os'")]
    [InlineData("""{"architecture":"amd64","os":"linux","created":"yesterday"}""", "'yesterday'")]
    [InlineData("""{"architecture":""", "not valid JSON")]
    public void Deserialize_Invalid_ThrowsFormatException(string json, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => ImageConfigSerializer.Deserialize(Encoding.UTF8.GetBytes(json))).Message);

    [Fact]
    public void Serialize_SameConfigBuiltTwice_SameBytes() =>
        Assert.Equal(ImageConfigSerializer.Serialize(SmallConfig()), ImageConfigSerializer.Serialize(SmallConfig()));

    [Fact]
    public void RoundTrip_FieldsOutsideTheSpec_AreKeptAfterTheSpecsFields()
    {
        byte[] json = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"moby.buildkit.cache.v0":"e30=","imgbuild.cache.v1":{"records":[]}}"""u8.ToArray();

        ImageConfig config = ImageConfigSerializer.Deserialize(json);
        string written = System.Text.Encoding.UTF8.GetString(ImageConfigSerializer.Serialize(config));

        Assert.Equal(["imgbuild.cache.v1", "moby.buildkit.cache.v0"], config.ExtraFields.Keys);
        Assert.EndsWith(""","imgbuild.cache.v1":{"records":[]},"moby.buildkit.cache.v0":"e30="}""", written, StringComparison.Ordinal);
    }
}
