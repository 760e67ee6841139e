using Builder.Cli;
using Builder.EndToEnd.Tests.Parity;
using Builder.Testing;
using Builder.Testing.Parity;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>COPY from the build context and from stages: checked by running the image, by the cache, and against BuildKit's image.</summary>
public sealed class CopyBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-copy-e2e-").FullName;
    private readonly string _context;
    private readonly string _base;

    public CopyBuildTests()
    {
        _base = _registry.SeedBusybox("library/busybox");
        _context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        Write("app/main.sh", "#!/bin/sh\necho main\n");
        Write("app/lib/util.txt", "util\n");
        Write("app/secret.key", "must not be copied\n");
        Write("notes/a.md", "a\n");
        Write("notes/b.md", "b\n");
        Write("notes/c.txt", "c\n");
        Write("unrelated.txt", "1\n");
        Write(".dockerignore", "app/secret.key\n");
        ProcessRunner.Run("chmod", ["755", Path.Combine(_context, "app", "main.sh")]);
        File.CreateSymbolicLink(Path.Combine(_context, "app", "link"), "main.sh");
        Write("Dockerfile", $"""
            FROM {_base} AS build
            WORKDIR /src
            COPY app ./app
            RUN echo compiled > /src/app/out.txt

            FROM {_base}
            WORKDIR /srv
            COPY notes/*.md docs/
            COPY --chown=app:app app/lib/util.txt ./
            COPY --from=build /src/app /opt/app
            COPY unrelated.txt /etc/unrelated
            """);
    }

    private void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_context, path))!);
        File.WriteAllText(Path.Combine(_context, path), content);
    }

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args]);

    private string RunInDocker(string tag, string script) => DockerEngine.Run("run", "--rm", "--network=none", tag, "sh", "-c", script);

    [Fact]
    public void Build_CopyFromContextAndStage_ImageHasTheFilesAndNotTheIgnoredOne()
    {
        RequiredTool.RequireRoot();
        string tag = $"imgbuild-e2e/copy:{Guid.NewGuid():N}";
        var build = Imgbuild("-t", tag, "--output", $"type=docker,dest={_root}/image.tar,name={tag}", _context);
        Assert.True(build.Status == 0, build.Err);
        try
        {
            DockerEngine.Run("load", "-i", Path.Combine(_root, "image.tar"));
            string listing = RunInDocker(tag, "ls /srv/docs; cat /srv/util.txt; stat -c '%U:%G %a' /srv/util.txt /opt/app/main.sh; /opt/app/main.sh; " +
                "readlink /opt/app/link; cat /opt/app/out.txt; cat /opt/app/lib/util.txt; test -e /opt/app/secret.key && echo LEAKED || echo no-secret");
            Assert.Equal("a.md\nb.md\nutil\napp:app 644\nroot:root 755\nmain\nmain.sh\ncompiled\nutil\nno-secret\n", listing);
        }
        finally
        {
            DockerEngine.Run("rmi", "--force", tag);
        }
    }

    [Fact]
    public void Build_SameDockerfileAsBuildKit_SameFileTree()
    {
        RequiredTool.RequireRoot();
        string ours = $"imgbuild-e2e/ours:{Guid.NewGuid():N}", theirs = $"imgbuild-e2e/buildkit:{Guid.NewGuid():N}";
        var build = Imgbuild("-t", ours, "--output", $"type=docker,dest={_root}/image.tar,name={ours}", _context);
        Assert.True(build.Status == 0, build.Err);
        try
        {
            DockerEngine.Run("load", "-i", Path.Combine(_root, "image.tar"));
            BuildKitBuild.Run(theirs, _context, []);

            IReadOnlyList<string> expected = ImageFileTree.Read(theirs, _root), actual = ImageFileTree.Read(ours, _root);
            Assert.True(expected.SequenceEqual(actual), $"- BuildKit only, + imgbuild only:\n{LineDiff.Describe(expected, actual)}");
        }
        finally
        {
            DockerEngine.Run("rmi", "--force", ours, theirs);
        }
    }

    [Fact]
    public void Build_EditUnrelatedFile_CopyStaysCached_EditCopiedFile_CopyRuns()
    {
        RequiredTool.RequireRoot();
        Assert.Equal(0, Imgbuild("-t", "copycache:1", _context).Status);
        Write("notes/c.txt", "not copied by any COPY\n");

        var unrelated = Imgbuild("-t", "copycache:1", _context);
        Write("notes/a.md", "edited\n");
        var edited = Imgbuild("-t", "copycache:1", _context);

        Assert.All(ProgressSteps.Parse(unrelated.Err).Where(step => step.Instruction.StartsWith("COPY", StringComparison.Ordinal) || step.Instruction.StartsWith("RUN", StringComparison.Ordinal)),
            step => Assert.True(step.Cached, $"{step.Instruction} ran again after an edit to a file it does not read"));
        Assert.False(ProgressSteps.Parse(edited.Err).Single(step => step.Instruction == "COPY notes/*.md docs/").Cached);
        Assert.True(ProgressSteps.Parse(edited.Err).Single(step => step.Instruction == "COPY app ./app").Cached);
        Assert.NotEqual(unrelated.Out, edited.Out);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
