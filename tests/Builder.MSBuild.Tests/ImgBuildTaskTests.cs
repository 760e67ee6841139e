using System.Collections;
using Builder.MSBuild;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Builder.MSBuild.Tests;

/// <summary>The task's command line and how it turns imgbuild's output into MSBuild errors.</summary>
public sealed class ImgBuildTaskTests
{
    private sealed class RecordingEngine : IBuildEngine
    {
        public List<BuildErrorEventArgs> Errors { get; } = [];
        public List<BuildWarningEventArgs> Warnings { get; } = [];
        public List<BuildMessageEventArgs> Messages { get; } = [];
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "test.csproj";
        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
        public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);
        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;
    }

    private static (ImgBuildTask Task, RecordingEngine Engine) Task()
    {
        var engine = new RecordingEngine();
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

        Assert.Equal("/pkg/tools/imgbuild.dll --root /var/lib/imgbuild-test build --progress plain -f /src/app/Dockerfile -t reg:5000/app:1 -t reg:5000/app:latest " +
            "--target final --build-arg \"MODE=release build\" --label org.opencontainers.image.source=https://example.org/app --output \"type=oci,dest=/out/app.tar\" " +
            "--push --cache-from \"type=registry,ref=reg:5000/cache\" /src/app", line);
    }

    [Fact]
    public void Output_DockerfileError_IsAnErrorAtItsFileLineAndColumn()
    {
        (ImgBuildTask task, RecordingEngine engine) = Task();

        task.ReadLine("/src/app/Dockerfile:12:5: error IB1008: unknown flag '--bad' for RUN");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(("/src/app/Dockerfile", 12, 5, "IB1008", "unknown flag '--bad' for RUN"), (error.File, error.LineNumber, error.ColumnNumber, error.Code, error.Message));
    }

    [Fact]
    public void Output_RunFailure_IsAnErrorAtTheStepWithItsLastOutputLines()
    {
        (ImgBuildTask task, RecordingEngine engine) = Task();

        task.ReadLine("#5 [4] RUN make");
        task.ReadLine("#5 0.120 compiling");
        task.ReadLine("#5 0.480 make: *** [all] Error 2");
        task.ReadLine("imgbuild: /src/app/Dockerfile:4: RUN make: process \"/bin/sh -c make\" did not complete successfully: exit code: 2");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(("/src/app/Dockerfile", 4, "IMGB1001"), (error.File, error.LineNumber, error.Code));
        Assert.Contains("exit code: 2", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("compiling\nmake: *** [all] Error 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_ProgressLines_AreMessagesAtNormalImportance()
    {
        (ImgBuildTask task, RecordingEngine engine) = Task();

        task.ReadLine("#3 [2] COPY app /app");
        task.ReadLine("#3 CACHED");

        Assert.Empty(engine.Errors);
        Assert.All(engine.Messages, m => Assert.Equal(MessageImportance.Normal, m.Importance));
        Assert.Equal(["#3 [2] COPY app /app", "#3 CACHED"], engine.Messages.Select(m => m.Message));
    }

    [Fact]
    public void Output_OtherImgbuildError_IsAnErrorOnTheDockerfile()
    {
        (ImgBuildTask task, RecordingEngine engine) = Task();

        task.ReadLine("imgbuild: building needs runc: install it with 'apt-get install runc'");
        task.ReadLine("imgbuild: warning: cannot import the cache from reg/cache: not found");

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(("/src/app/Dockerfile", "building needs runc: install it with 'apt-get install runc'"), (error.File, error.Message));
    }
}
