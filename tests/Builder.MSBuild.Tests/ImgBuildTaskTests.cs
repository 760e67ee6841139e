using Builder.MSBuild;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Builder.MSBuild.Tests;

/// <summary>The task's command line and how it turns imgbuild's output into MSBuild errors.</summary>
public sealed class ImgBuildTaskTests : IDisposable
{
    private readonly string _temporary = Directory.CreateTempSubdirectory("imgbuild-task-test-").FullName;

    public void Dispose() => Directory.Delete(_temporary, recursive: true);

    private static (ImgBuildTask Task, RecordingBuildEngine Engine) Task()
    {
        var engine = new RecordingBuildEngine();
        return (new ImgBuildTask { BuildEngine = engine, ImgBuildPath = "/pkg/tools/imgbuild.dll", Context = "/src/app", Dockerfile = "/src/app/Dockerfile" }, engine);
    }

    [Fact]
    public void CommandLine_CarriesEveryProperty()
    {
        (ImgBuildTask task, _) = Task();
        task.Tags = [new TaskItem("reg:5000/app:1"), new TaskItem("reg:5000/app:latest")];
        task.Target = "final";
        var argument = new TaskItem("MODE");
        argument.SetMetadata("Value", "release build");
        task.BuildArgs = [argument];
        var label = new TaskItem("org.opencontainers.image.source");
        label.SetMetadata("Value", "https://example.org/app");
        task.Labels = [label];
        task.Outputs = [new TaskItem("type=oci,dest=/out/app.tar")];
        task.Push = true;
        task.CacheFrom = [new TaskItem("type=registry,ref=reg:5000/cache")];
        task.StoreRoot = "/var/lib/imgbuild-test";

        string line = task.CommandLine();

        Assert.Equal("/pkg/tools/imgbuild.dll --root /var/lib/imgbuild-test build --progress rawjson -f /src/app/Dockerfile -t reg:5000/app:1 -t reg:5000/app:latest " +
            "--target final --build-arg \"MODE=release build\" --label org.opencontainers.image.source=https://example.org/app --output \"type=oci,dest=/out/app.tar\" " +
            "--push --cache-from \"type=registry,ref=reg:5000/cache\" /src/app", line);
    }

    [Fact]
    public void CommandLine_NoOutputs_KeepsTheImageInTheStoreEvenWhenPushed()
    {
        (ImgBuildTask task, _) = Task();
        task.Tags = [new TaskItem("reg:5000/app:1")];
        task.Push = true;

        Assert.Contains(" --output \"type=image,push=true\" ", task.CommandLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("--push", task.CommandLine(), StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLine_DockerFormatPlatformAndArchive_AreOutputsAndPlatform()
    {
        (ImgBuildTask task, _) = Task();
        task.ImageFormat = "Docker";
        task.Platform = "linux/amd64";
        task.ArchiveOutputPath = "/out/app.tar.gz";

        string line = task.CommandLine();

        Assert.Contains(" --platform linux/amd64 --output \"type=image,oci-mediatypes=false\" --output \"type=docker,dest=/out/app.tar.gz.imgbuild.tar,oci-mediatypes=false\" ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLine_SeveralPlatforms_AreOnePlatformListWithANamedContextEach()
    {
        (ImgBuildTask task, _) = Task();
        task.Platform = "linux/amd64,linux/arm64";
        var amd64 = new TaskItem("imgbuild-publish-amd64");
        amd64.SetMetadata("Path", "/src/app/bin/linux-x64/publish/");
        var arm64 = new TaskItem("imgbuild-publish-arm64");
        arm64.SetMetadata("Path", "/src/app/bin/linux-arm64/publish/");
        task.BuildContexts = [amd64, arm64];

        Assert.Contains(" --platform \"linux/amd64,linux/arm64\" --build-context imgbuild-publish-amd64=/src/app/bin/linux-x64/publish/ " +
            "--build-context imgbuild-publish-arm64=/src/app/bin/linux-arm64/publish/ ", task.CommandLine(), StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLine_OciFormat_KeepsOciMediaTypes()
    {
        (ImgBuildTask task, _) = Task();
        task.ImageFormat = "OCI";

        Assert.Contains(" --output type=image ", task.CommandLine(), StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLine_CreatedLabel_IsTheTimeOfTheBuild()
    {
        (ImgBuildTask task, _) = Task();
        task.GenerateCreatedLabel = true;

        Assert.Matches(@"--label org\.opencontainers\.image\.created=\d{4}-\d\d-\d\dT[0-9:.]+Z --label org\.opencontainers\.artifact\.created=", task.CommandLine());
    }

    [Fact]
    public void Execute_UnknownImageFormat_FailsNamingTheProperty()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();
        task.ImageFormat = "Zip";

        Assert.False(task.Execute());

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal("IB4100", error.Code);
        Assert.StartsWith("ContainerImageFormat 'Zip' is not an image format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_DockerfileError_IsAnErrorAtItsFileLineAndColumn()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("""{"event":"diagnostic","severity":"error","code":"IB1008","file":"/src/app/Dockerfile","line":12,"column":5,"endLine":12,"endColumn":9,"instruction":"RUN --bad make","message":"unknown flag '--bad' for RUN"}""");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(("/src/app/Dockerfile", 12, 5, "IB1008", "unknown flag '--bad' for RUN"), (error.File, error.LineNumber, error.ColumnNumber, error.Code, error.Message));
    }

    [Fact]
    public void Output_RunFailure_IsAnErrorAtTheStepWithItsLastOutputLines()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("""{"event":"started","step":5,"key":"sha256:5","name":"RUN make","file":"/src/app/Dockerfile","line":4}""");
        task.ReadLine("""{"event":"output","step":5,"key":"sha256:5","stream":"stdout","text":"compiling"}""");
        task.ReadLine("""{"event":"output","step":5,"key":"sha256:5","stream":"stderr","text":"make: *** [all] Error 2"}""");
        task.ReadLine("""{"event":"error","step":5,"key":"sha256:5","instruction":"RUN make","file":"/src/app/Dockerfile","line":4,"endLine":4,"exitCode":2,"lastLines":["compiling","make: *** [all] Error 2"],"message":"process \"/bin/sh -c make\" did not complete successfully: exit code: 2"}""");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(("/src/app/Dockerfile", 4, "IB4001"), (error.File, error.LineNumber, error.Code));
        Assert.Contains("exit code: 2", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("compiling\nmake: *** [all] Error 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_ProgressLines_AreMessagesAtNormalImportance()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("""{"event":"started","step":3,"key":"sha256:3","name":"COPY app /app","file":"/src/app/Dockerfile","line":2}""");
        task.ReadLine("""{"event":"cached","step":3,"key":"sha256:3"}""");

        Assert.Empty(engine.Errors);
        Assert.All(engine.Messages, m => Assert.Equal(MessageImportance.Normal, m.Importance));
        Assert.Equal(["#3 [2] COPY app /app", "#3 CACHED"], engine.Messages.Select(m => m.Message));
    }

    [Fact]
    public void Output_OtherImgbuildError_IsAnErrorOnTheDockerfile()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("""{"event":"error","message":"building needs runc: install it with 'apt-get install runc'"}""");
        task.ReadLine("""{"event":"warning","text":"cannot import the cache from reg/cache: not found"}""");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(("/src/app/Dockerfile", "building needs runc: install it with 'apt-get install runc'"), (error.File, error.Message));
    }

    [Fact]
    public void Output_FailedStepAfterThreeOutputLines_IsExactlyOneErrorAtItsLineWithThoseLines()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();
        string[] lines = ["step one", "step two", "cc: error: missing.c: No such file"];

        task.ReadLine("""{"event":"started","step":2,"key":"sha256:2","name":"RUN ./build.sh","file":"/src/app/Dockerfile","line":7}""");
        foreach (string line in lines)
            task.ReadLine($$"""{"event":"output","step":2,"key":"sha256:2","stream":"stdout","text":"{{line}}"}""");
        task.ReadLine("""{"event":"error","step":2,"key":"sha256:2","instruction":"RUN ./build.sh","file":"/src/app/Dockerfile","line":7,"endLine":9,"exitCode":1,"lastLines":["step one","step two","cc: error: missing.c: No such file"],"message":"process \"/bin/sh -c ./build.sh\" did not complete successfully: exit code: 1"}""");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(("/src/app/Dockerfile", 7, 9, "IB4001"), (error.File, error.LineNumber, error.EndLineNumber, error.Code));
        Assert.Equal("RUN ./build.sh: process \"/bin/sh -c ./build.sh\" did not complete successfully: exit code: 1\nlast output lines:\n" + string.Join('\n', lines), error.Message);
        Assert.Equal(["#2 [7] RUN ./build.sh", "#2 step one", "#2 step two", "#2 cc: error: missing.c: No such file"], engine.Messages.Select(m => m.Message));
    }

    [Fact]
    public void Output_SolveStatusOfAFailedStep_IsProgressMessagesAndExactlyOneErrorAtItsLine()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("""{"vertexes":[{"digest":"sha256:a","name":"[internal] load build definition from Dockerfile","started":"2026-01-01T00:00:00Z"}]}""");
        task.ReadLine("""{"statuses":[{"id":"transferring dockerfile: 40B","vertex":"sha256:a","current":0,"timestamp":"2026-01-01T00:00:00Z","started":"2026-01-01T00:00:00Z","completed":"2026-01-01T00:00:00Z"}]}""");
        task.ReadLine("""{"vertexes":[{"digest":"sha256:a","name":"[internal] load build definition from Dockerfile","started":"2026-01-01T00:00:00Z","completed":"2026-01-01T00:00:01.25Z"}]}""");
        task.ReadLine("""{"vertexes":[{"digest":"sha256:b","inputs":["sha256:a"],"name":"[build 2/2] RUN ./build.sh","started":"2026-01-01T00:00:02Z"}]}""");
        task.ReadLine("""{"logs":[{"vertex":"sha256:b","stream":1,"data":"c3RlcCBvbmUK","timestamp":"2026-01-01T00:00:02.5Z"}]}""");
        task.ReadLine("""{"vertexes":[{"digest":"sha256:b","name":"[build 2/2] RUN ./build.sh","started":"2026-01-01T00:00:02Z","completed":"2026-01-01T00:00:03Z","error":"process \"/bin/sh -c ./build.sh\" did not complete successfully: exit code: 1"},{"digest":"sha256:c","name":"[other 1/1] RUN sleep 9","started":"2026-01-01T00:00:02Z","completed":"2026-01-01T00:00:03Z","error":"context canceled"}],"imgbuild":{"event":"error","vertex":"sha256:b","name":"[build 2/2] RUN ./build.sh","instruction":"RUN ./build.sh","file":"/src/app/Dockerfile","line":7,"endLine":9,"exitCode":1,"lastLines":["step one"],"message":"process \"/bin/sh -c ./build.sh\" did not complete successfully: exit code: 1"}}""");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(("/src/app/Dockerfile", 7, 9, "IB4001"), (error.File, error.LineNumber, error.EndLineNumber, error.Code));
        Assert.Equal("RUN ./build.sh: process \"/bin/sh -c ./build.sh\" did not complete successfully: exit code: 1\nlast output lines:\nstep one", error.Message);
        Assert.Equal(["#1 [internal] load build definition from Dockerfile", "#1 transferring dockerfile: 40B done", "#1 DONE 1.3s",
            "#2 [build 2/2] RUN ./build.sh", "#2 step one", "#3 [other 1/1] RUN sleep 9", "#3 CANCELED"], engine.Messages.Select(m => m.Message));
    }

    [Fact]
    public void Output_SolveStatusResult_SetsTheImageOutputs()
    {
        (ImgBuildTask task, _) = Task();

        task.ReadLine("""{"imgbuild":{"event":"result","target":"final","names":["reg:5000/app:1"],"manifestDigest":"sha256:m","configDigest":"sha256:c"}}""");

        Assert.Equal(("sha256:m", "reg:5000/app:1"), (task.GeneratedImageDigest, task.GeneratedImageName));
    }

    [Fact]
    public void Output_FailedStepNotAProcess_IsOneErrorWithoutOutputLines()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("""{"event":"error","step":3,"key":"sha256:3","instruction":"COPY app /app","file":"/src/app/Dockerfile","line":5,"endLine":5,"lastLines":[],"message":"app: no such file in the build context"}""");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(("/src/app/Dockerfile", 5, "COPY app /app: app: no such file in the build context"), (error.File, error.LineNumber, error.Message));
    }

    [Fact]
    public void Output_DiagnosticWithHintAndEndColumn_IsAnErrorSpanningItWithTheHint()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("""{"event":"diagnostic","severity":"error","code":"IB1006","file":"/src/app/Dockerfile","line":3,"column":1,"endLine":3,"endColumn":4,"instruction":"CPY a b","message":"unknown instruction 'CPY'","hint":"did you mean COPY?"}""");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal((3, 1, 3, 4, "IB1006"), (error.LineNumber, error.ColumnNumber, error.EndLineNumber, error.EndColumnNumber, error.Code));
        Assert.Equal("unknown instruction 'CPY'\nhint: did you mean COPY?", error.Message);
    }

    [Fact]
    public void Output_WarningDiagnostic_IsAWarningWithItsCodeAndPlace()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("""{"event":"diagnostic","severity":"warning","code":"IB1101","file":"/src/app/Dockerfile","line":2,"column":1,"endLine":2,"endColumn":1,"instruction":"RUN a","message":"empty continuation line"}""");

        Assert.Empty(engine.Errors);
        BuildWarningEventArgs warning = Assert.Single(engine.Warnings);
        Assert.Equal(("/src/app/Dockerfile", 2, 1, "IB1101", "empty continuation line"), (warning.File, warning.LineNumber, warning.ColumnNumber, warning.Code, warning.Message));
    }

    [Fact]
    public void Output_MessageEvent_IsANormalMessage()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("""{"event":"message","text":"exported the cache to reg:5000/cache"}""");

        BuildMessageEventArgs message = Assert.Single(engine.Messages);
        Assert.Equal((MessageImportance.Normal, "exported the cache to reg:5000/cache"), (message.Importance, message.Message));
    }

    [Fact]
    public void Output_Result_SetsTheDigestAndName()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("""{"event":"result","target":"final","names":["reg:5000/app:1","reg:5000/app:latest"],"manifestDigest":"sha256:aa","configDigest":"sha256:bb"}""");

        Assert.Empty(engine.Errors);
        Assert.Equal(("sha256:aa", "reg:5000/app:1"), (task.GeneratedImageDigest, task.GeneratedImageName));
    }

    [Fact]
    public void Output_NonJsonLineOnStandardError_IsAnError()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("Unhandled exception. System.InvalidOperationException: the store is corrupt");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(("/src/app/Dockerfile", "IB4000", "Unhandled exception. System.InvalidOperationException: the store is corrupt"), (error.File, error.Code, error.Message));
    }

    [Fact]
    public void Output_LineOnStandardOutput_IsALowMessage()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();

        task.ReadLine("sha256:aa", fromStandardError: false);

        Assert.Empty(engine.Errors);
        Assert.Equal(MessageImportance.Low, Assert.Single(engine.Messages).Importance);
    }

    // A stand-in for the CLI: ToolPath/ToolExe run sh instead of dotnet, and ImgBuildPath is the script it runs.
    private (ImgBuildTask Task, RecordingBuildEngine Engine) TaskRunning(string script)
    {
        string path = Path.Combine(_temporary, "imgbuild.sh");
        File.WriteAllText(path, script);
        (ImgBuildTask task, RecordingBuildEngine engine) = Task();
        task.ImgBuildPath = path;
        task.ToolPath = "/bin";
        task.ToolExe = "sh";
        return (task, engine);
    }

    [Fact]
    public void Execute_ResultOnStandardErrorAndDigestOnStandardOutput_SucceedsWithTheDigest()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = TaskRunning("""
            echo '{"event":"started","step":1,"key":"sha256:1","name":"RUN true","file":"Dockerfile","line":2}' >&2
            echo '{"event":"result","target":"0","names":["reg:5000/app:1"],"manifestDigest":"sha256:aa","configDigest":"sha256:bb"}' >&2
            echo sha256:aa
            """);

        bool succeeded = task.Execute();

        Assert.True(succeeded, string.Join('\n', engine.Errors.Select(e => e.Message)));
        Assert.Equal(("sha256:aa", "reg:5000/app:1"), (task.GeneratedImageDigest, task.GeneratedImageName));
    }

    private const string ResultEvent = """echo '{"event":"result","target":"0","names":["app:1"],"manifestDigest":"sha256:aa","configDigest":"sha256:bb"}' >&2""";

    [Fact]
    public void Execute_EnvironmentBuildArg_ReachesImgbuildUnchangedThroughTheEnvironment()
    {
        string seen = Path.Combine(_temporary, "seen");
        (ImgBuildTask task, RecordingBuildEngine engine) = TaskRunning($"""
            printf '%s' "$IMGBUILD_VALUE_0" > {seen}
            for a in "$@"; do [ "$a" = IMGBUILD_VALUE_0 ] && printf 'named' > {seen}.arg; done
            {ResultEvent}
            """);
        const string Value = "line one\nsays \"$HOME\" \\ and 'quotes'";
        var argument = new TaskItem("IMGBUILD_VALUE_0");
        argument.SetMetadata("Value", Value);
        task.EnvironmentBuildArgs = [argument];

        Assert.True(task.Execute(), string.Join('\n', engine.Errors.Select(e => e.Message)));

        Assert.Equal(Value, File.ReadAllText(seen));
        Assert.Equal("named", File.ReadAllText(seen + ".arg"));
    }

    [Fact]
    public void Execute_ArchiveOutputPath_IsTheDockerArchiveGzipped()
    {
        string archive = Path.Combine(_temporary, "out", "app.tar.gz");
        (ImgBuildTask task, RecordingBuildEngine engine) = TaskRunning($$"""
            for a in "$@"; do case "$a" in type=docker,dest=*) d="${a#type=docker,dest=}"; printf 'a docker archive' > "$d";; esac; done
            {{ResultEvent}}
            """);
        task.ArchiveOutputPath = archive;

        Assert.True(task.Execute(), string.Join('\n', engine.Errors.Select(e => e.Message)));

        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(archive), System.IO.Compression.CompressionMode.Decompress);
        Assert.Equal("a docker archive", new StreamReader(gzip).ReadToEnd());
        Assert.False(File.Exists(archive + ".imgbuild.tar"));
    }

    [Fact]
    public void Execute_SuccessWithoutResult_FailsSayingSo()
    {
        (ImgBuildTask task, RecordingBuildEngine engine) = TaskRunning("echo sha256:aa\n");

        bool succeeded = task.Execute();

        Assert.False(succeeded);
        Assert.Equal("IB4002", Assert.Single(engine.Errors).Code);
    }
}
