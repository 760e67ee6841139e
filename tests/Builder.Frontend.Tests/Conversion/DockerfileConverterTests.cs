using System.Collections.Immutable;
using Builder.Oci;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Builder.Graph;

namespace Builder.Frontend.Tests.Conversion;

public sealed class DockerfileConverterTests
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");

    /// <summary>A resolver that serves configs by familiar name, and counts what it was asked.</summary>
    private sealed class FakeResolver(Dictionary<string, ImageConfig>? configs = null) : IImageConfigResolver
    {
        public List<string> Asked { get; } = [];

        public Task<(ImageConfig Config, Digest? ManifestDigest)> ResolveAsync(ImageReference image, Platform platform, CancellationToken cancellationToken)
        {
            Asked.Add(image.FamiliarName);
            ImageConfig config = configs is not null && configs.TryGetValue(image.FamiliarName, out var c) ? c : ImageConfig.Empty(platform);
            return Task.FromResult<(ImageConfig, Digest?)>((config, null));
        }
    }

    private static Task<BuildGraph> Convert(string dockerfile, string? target = null, Dictionary<string, string>? buildArgs = null, IImageConfigResolver? resolver = null) =>
        DockerfileConverter.ConvertAsync(DockerfileParser.Parse(dockerfile),
            new ConversionOptions
            {
                Target = target, TargetPlatform = Amd64, BuildPlatform = Amd64,
                BuildArgs = (buildArgs ?? []).ToImmutableDictionary(), IgnorePatterns = ["*.md"],
            },
            resolver ?? new FakeResolver());

    private static IEnumerable<T> StepsOf<T>(BuildGraph graph) => graph.Steps().OfType<T>();

    [Fact]
    public async Task Convert_GlobalArg_IsUsableInFromOnly()
    {
        var graph = await Convert("ARG TAG=3.20\nFROM alpine:${TAG}\nRUN echo \"[$TAG]\"\n");
        Assert.Equal("alpine:3.20", StepsOf<ImageSourceStep>(graph).Single().Image.FamiliarName);
        // Without ARG TAG in the stage, $TAG is unset in RUN's environment.
        Assert.DoesNotContain(StepsOf<ExecStep>(graph).Single().Env, e => e.StartsWith("TAG=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Convert_GlobalArgRedeclaredInStage_InheritsValue()
    {
        var graph = await Convert("ARG TAG=3.20\nFROM alpine\nARG TAG\nENV V=$TAG\n");
        Assert.Contains("V=3.20", graph.Targets[0].Config.Config.Env);
    }

    [Fact]
    public async Task Convert_BuildArg_OverridesDefault()
    {
        var graph = await Convert("FROM alpine\nARG MODE=debug\nRUN make $MODE\n", buildArgs: new() { ["MODE"] = "release" });
        ExecStep run = StepsOf<ExecStep>(graph).Single();
        Assert.Contains("MODE=release", run.Env);
        Assert.Equal(["/bin/sh", "-c", "make $MODE"], run.Args.ToArray());
    }

    [Fact]
    public async Task Convert_EnvOverridesArgOfSameName()
    {
        var graph = await Convert("FROM alpine\nARG X=fromarg\nENV X=fromenv\nLABEL x=$X\n");
        Assert.Equal("fromenv", graph.Targets[0].Config.Config.Labels["x"]);
    }

    // BuildKit's dispatchArg/dispatchEnv (dockerfile2llb/convert.go): ARG and ENV both set the stage's variables,
    // the later one winning; only ENV reaches the image config. Checked against BuildKit v0.24 (parity case
    // arg-scope-env-redeclare).
    [Theory]
    [InlineData("ARG X", "X=buildarg", "buildarg")]          // --build-arg given
    [InlineData("ARG X=argdefault", "", "argdefault")]       // a default, no --build-arg
    [InlineData("ARG X=argdefault", "X=buildarg", "buildarg")]
    [InlineData("ARG X", "", "env")]                         // no value at all: the ENV value stays
    public async Task Convert_ArgRedeclaredAfterEnv_RunAndExpansionSeeArgButImageKeepsEnv(string arg, string buildArg, string seen)
    {
        Dictionary<string, string> args = buildArg.Length == 0 ? [] : new() { [buildArg.Split('=')[0]] = buildArg.Split('=')[1] };
        var graph = await Convert($"FROM alpine\nENV X=env\n{arg}\nRUN echo $X\nENV Z=$X\n", buildArgs: args);
        Assert.Contains($"X={seen}", StepsOf<ExecStep>(graph).Single().Env);
        Assert.DoesNotContain(StepsOf<ExecStep>(graph).Single().Env, e => e.StartsWith("X=", StringComparison.Ordinal) && e != $"X={seen}");
        string[] env = [.. graph.Targets[0].Config.Config.Env];
        Assert.Contains("X=env", env);
        Assert.Contains($"Z={seen}", env);
    }

    [Fact]
    public async Task Convert_ArgWithoutValueAfterEnv_TakesGlobalArgValue()
    {
        var graph = await Convert("ARG X=global\nFROM alpine\nENV X=env\nARG X\nRUN echo $X\n");
        Assert.Contains("X=global", StepsOf<ExecStep>(graph).Single().Env);
        Assert.Contains("X=env", graph.Targets[0].Config.Config.Env);
    }

    [Fact]
    public async Task Convert_StageFromStage_InheritsArgsButEnvWinsOverThem()
    {
        // dispatchState.init copies the parent's state (its ARGs too); the image's ENV is then applied over it.
        var graph = await Convert("ARG G=global\nFROM alpine AS parent\nENV X=env\nARG X\nARG Y=ydef\nARG G\nRUN echo parent\n"
            + "FROM parent\nRUN echo child\nENV W=$Y\n", buildArgs: new() { ["X"] = "buildarg" });
        ExecStep child = StepsOf<ExecStep>(graph).Single(e => e.Args[^1] == "echo child");
        ExecStep parent = StepsOf<ExecStep>(graph).Single(e => e.Args[^1] == "echo parent");
        Assert.Equal(["X=buildarg", "Y=ydef", "G=global"], parent.Env.Where(e => e[0] is 'X' or 'Y' or 'G').ToArray());
        Assert.Equal(["Y=ydef", "G=global", "X=env"], child.Env.Where(e => e[0] is 'X' or 'Y' or 'G').ToArray());
        Assert.Contains("W=ydef", graph.Targets[0].Config.Config.Env);
        Assert.DoesNotContain(graph.Targets[0].Config.Config.Env, e => e.StartsWith("Y=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Convert_ArgDeclarations_ExpandWithTheOnesBeforeThemOnTheLine()
    {
        var graph = await Convert("FROM alpine\nARG P1=1 P2=$P1\nENV P=$P2\n");
        Assert.Contains("P=1", graph.Targets[0].Config.Config.Env);
    }

    [Fact]
    public async Task Convert_RunEnvironment_IsOrderedByLastAssignment()
    {
        // llb.EnvList lists each variable where it was last set: an ARG over an ENV moves it to the end.
        var graph = await Convert("FROM alpine\nENV A=1 B=2\nARG A=3\nRUN true\n");
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "B=2", "A=3"], StepsOf<ExecStep>(graph).Single().Env.ToArray());
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=1", "B=2"], graph.Targets[0].Config.Config.Env.ToArray());
    }

    [Fact]
    public async Task Convert_GlobalArgRedeclaredWithoutDefault_KeepsItsValue()
    {
        var graph = await Convert("ARG V=1\nARG V\nFROM alpine:$V\n");
        Assert.Equal("alpine:1", StepsOf<ImageSourceStep>(graph).Single().Image.FamiliarName);
    }

    [Fact]
    public async Task Convert_BuildArgForPredefinedArg_OverridesIt()
    {
        var graph = await Convert("FROM alpine\nARG TARGETARCH\nENV A=$TARGETARCH\n", buildArgs: new() { ["TARGETARCH"] = "arm64" });
        Assert.Contains("A=arm64", graph.Targets[0].Config.Config.Env);
    }

    [Theory]
    [InlineData("FROM alpine AS build\nARG TARGETSTAGE\nENV S=$TARGETSTAGE\n", null, "S=build")]
    [InlineData("FROM alpine\nARG TARGETSTAGE\nENV S=$TARGETSTAGE\n", null, "S=default")]
    [InlineData("FROM alpine AS a\nARG TARGETSTAGE\nENV S=$TARGETSTAGE\nFROM a AS b\n", "a", "S=a")]
    public async Task Convert_TargetStageArg_NamesTheTarget(string dockerfile, string? target, string expected)
    {
        var graph = await Convert(dockerfile, target: target);
        Assert.Contains(expected, graph.Targets[0].Config.Config.Env);
    }

    [Fact]
    public async Task Convert_BaseImageWithoutPath_GetsTheDefaultPath()
    {
        var graph = await Convert("FROM alpine\nENV A=1\n");
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=1"], graph.Targets[0].Config.Config.Env.ToArray());
    }

    [Fact]
    public async Task Convert_PredefinedPlatformArgs_AreAvailableOnceDeclared()
    {
        var graph = await Convert("FROM alpine\nARG TARGETARCH\nENV A=$TARGETARCH B=${BUILDOS:-unset}\n");
        Assert.Contains("A=amd64", graph.Targets[0].Config.Config.Env);
        Assert.Contains("B=unset", graph.Targets[0].Config.Config.Env);
    }

    [Fact]
    public async Task Convert_UnusedStage_IsNotInGraph()
    {
        var resolver = new FakeResolver();
        var graph = await Convert("FROM golang AS build\nRUN go build\nFROM debian AS unused\nRUN apt-get update\nFROM alpine\nCOPY --from=build /out /app\n", resolver: resolver);
        Assert.Equal(["go build"], StepsOf<ExecStep>(graph).Select(e => e.Args[^1]));
        Assert.DoesNotContain("debian:latest", resolver.Asked);
    }

    [Fact]
    public async Task Convert_Target_SelectsStage()
    {
        var graph = await Convert("FROM alpine AS a\nRUN one\nFROM alpine AS b\nRUN two\n", target: "A");
        Assert.Equal("a", graph.Targets[0].StageName);
        Assert.Equal("one", StepsOf<ExecStep>(graph).Single().Args[^1]);
    }

    [Fact]
    public async Task Convert_UnknownTarget_ListsStages()
    {
        var error = await Assert.ThrowsAsync<DockerfileException>(() => Convert("FROM alpine AS a\nFROM alpine AS b\n", target: "c"));
        Assert.Equal(DiagnosticCodes.InvalidStage, error.Diagnostic.Code);
        Assert.Equal("stages are: a, b", error.Diagnostic.Hint);
    }

    [Fact]
    public async Task Convert_CopyFromIndexAndImage_ResolveSources()
    {
        var graph = await Convert("FROM alpine\nRUN a\nFROM alpine\nCOPY --from=0 /x /x\nCOPY --from=busybox:1.36 /bin/sh /sh\n");
        Assert.Contains(StepsOf<ImageSourceStep>(graph), s => s.Image.FamiliarName == "busybox:1.36");
        Assert.Single(StepsOf<ExecStep>(graph));
    }

    [Fact]
    public async Task Convert_FromEarlierStage_ContinuesItsFilesystemAndConfig()
    {
        var graph = await Convert("FROM alpine AS base\nENV A=1\nWORKDIR /src\nFROM base\nRUN pwd\n");
        ExecStep run = StepsOf<ExecStep>(graph).Single();
        Assert.Equal("/src", run.WorkingDirectory);
        Assert.Contains("A=1", run.Env);
    }

    [Fact]
    public async Task Convert_AddOfAnUnparsableUrl_IsADockerfileError()
    {
        // Found by DockerfileFuzzTests: this used to escape as a UriFormatException.
        var error = await Assert.ThrowsAsync<DockerfileException>(() => Convert("FROM alpine\nADD http://[x]/f /f\n"));

        Assert.Equal(2, error.Diagnostic.Span.StartLine);
        Assert.Contains("'http://[x]/f' is not a valid URL", error.Diagnostic.Message);
    }

    [Fact]
    public async Task Convert_CircularStageReference_IsAnError()
    {
        var error = await Assert.ThrowsAsync<DockerfileException>(() => Convert("FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\nCOPY --from=a /y /y\n"));
        Assert.Equal(DiagnosticCodes.InvalidStage, error.Diagnostic.Code);
    }

    [Fact]
    public async Task Convert_CopyFromContext_IncludesOnlyNamedPathsAndExcludesIgnored_ExcludeGoesToEachCopy()
    {
        var graph = await Convert("FROM alpine\nWORKDIR /app\nCOPY --exclude=*.tmp src/ ./lib/../pkg/ ./\n");
        ContextSourceStep context = StepsOf<ContextSourceStep>(graph).Single();
        Assert.Equal(["src", "pkg"], context.IncludePatterns.ToArray());
        Assert.Equal(["*.md"], context.ExcludePatterns.ToArray()); // .dockerignore only: --exclude is relative to each source
        FileStep copy = StepsOf<FileStep>(graph).Single(f => f.Actions[0] is CopyAction);
        Assert.All(copy.Actions.Cast<CopyAction>(), a => Assert.Equal("/app/", a.Destination));
        Assert.All(copy.Actions.Cast<CopyAction>(), a => Assert.Equal(["*.tmp"], a.ExcludePatterns.ToArray()));
    }

    // BuildKit's dispatchCopy: --parents copies from the part before "/./" (or the root) and includes the rest.
    [Theory]
    [InlineData("./src/./app/*.c", "/src", "app/*.c")]
    [InlineData("src/app/", "/", "src/app")]
    [InlineData("**/a.txt", "/", "**/a.txt")]
    public async Task Convert_CopyParents_CopiesFromThePivotIncludingTheRest(string source, string copiedFrom, string include)
    {
        var graph = await Convert($"FROM alpine\nCOPY --parents {source} /out/\n");
        CopyAction copy = StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<CopyAction>().Single();
        Assert.Equal((copiedFrom, include), (copy.Source, copy.IncludePatterns.Single()));
        Assert.True(copy.CopyDirectoryContents);
    }

    [Fact]
    public async Task Convert_CopyParentsFromStage_PivotsTheAbsolutePath()
    {
        var graph = await Convert("FROM alpine AS build\nFROM alpine\nCOPY --parents --from=build /app/./bin/* /out/\n");
        CopyAction copy = StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<CopyAction>().Single();
        Assert.Equal(("/app", "bin/*"), (copy.Source, copy.IncludePatterns.Single()));
    }

    // BuildKit checks no trailing '/' for several sources or a wildcard: each is copied onto the path in turn.
    [Theory]
    [InlineData("COPY a b /dest")]
    [InlineData("COPY *.txt /dest")]
    [InlineData("ADD a b /dest")]
    public async Task Convert_ManySourcesOntoPathWithoutSlash_CopiesEachOntoIt(string instruction)
    {
        var graph = await Convert($"FROM alpine\n{instruction}\n");
        Assert.All(StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<CopyAction>(), a => Assert.Equal("/dest", a.Destination));
    }

    [Fact]
    public async Task Convert_CopyFromContextOrStage_AllowsAWildcardThatMatchesNothing()
    {
        var graph = await Convert("FROM alpine AS build\nFROM alpine\nCOPY *.none a.txt /d/\nCOPY --from=build /x/*.none /e/\n");
        Assert.All(StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<CopyAction>(), a => Assert.True(a.AllowEmptyWildcard && a.AllowWildcard));
    }

    [Fact]
    public async Task Convert_CopyHeredoc_IsOnePathWithoutWildcards()
    {
        var graph = await Convert("FROM alpine\nCOPY <<a*b /d/\nx\na*b\n");
        CopyAction copy = StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<CopyAction>().Single();
        Assert.False(copy.AllowWildcard || copy.FollowSymlinks || copy.CopyDirectoryContents);
    }

    [Theory]
    [InlineData(".", "/app/")]
    [InlineData("sub/.", "/app/sub/")]
    public async Task Convert_CopyToDot_IsTheDirectory(string destination, string expected)
    {
        var graph = await Convert($"FROM alpine\nWORKDIR /app\nCOPY a {destination}\n");
        Assert.Equal(expected, StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<CopyAction>().Single().Destination);
    }

    [Theory]
    [InlineData("COPY --link --chown=app a /d/")]
    [InlineData("COPY --link --chown=1000:staff a /d/")]
    [InlineData("ADD --link --chown=app a /d/")]
    public async Task Convert_LinkWithChownName_FailsAsBuildKitDoes(string instruction)
    {
        var error = await Assert.ThrowsAsync<DockerfileException>(() => Convert($"FROM alpine\n{instruction}\n"));
        Assert.Equal(DiagnosticCodes.InvalidArgument, error.Diagnostic.Code);
        Assert.Contains("invalid user index: -1", error.Diagnostic.Message);
        Assert.Equal(2, error.Diagnostic.Span.StartLine);
        Assert.NotNull(error.Diagnostic.Hint);
    }

    [Theory]
    [InlineData("COPY --link --chown=1000:1000 a /d/")]
    [InlineData("COPY --link --chown=root a /d/")]
    [InlineData("COPY --link --chmod=644 --chown=app a /d/")]
    public async Task Convert_LinkWithIdsOrChmod_Converts(string instruction)
    {
        var graph = await Convert($"FROM alpine\n{instruction}\n");
        Assert.Single(StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<CopyAction>());
    }

    [Fact]
    public async Task Convert_CopyHeredoc_WritesExpandedFile()
    {
        var graph = await Convert("FROM alpine\nARG NAME=world\nCOPY <<EOF /greeting\nhello $NAME\nEOF\n");
        MkfileAction file = StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<MkfileAction>().Single();
        Assert.Equal("hello world\n", System.Text.Encoding.UTF8.GetString(file.Data.AsSpan()));
    }

    private static string[] HeredocFiles(BuildGraph graph) =>
        [.. StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<MkfileAction>()
            .Select(file => file.Path + "=" + System.Text.Encoding.UTF8.GetString(file.Data.AsSpan()))];

    // BuildKit's testCopyHeredocSpecialSymbols (dockerfile_heredoc_test.go): an unquoted body goes through the
    // shell lexer, so the backslash escapes the next character (even a newline); a quoted one is copied as is.
    [Theory]
    [InlineData("EOF", "\\\n", "/EOF=\n")]
    [InlineData("EOF", "\\\\\n", "/EOF=\\\n")]
    [InlineData("EOF", "\\$\n", "/EOF=$\n")]
    [InlineData("EOF", "\"quotes in file\"\n", "/EOF=\"quotes in file\"\n")]
    [InlineData("\"EOF\"", "\\\n", "/EOF=\\\n")]
    [InlineData("\"EOF\"", "\\\\\n", "/EOF=\\\\\n")]
    [InlineData("\"EOF\"", "\\$\n", "/EOF=\\$\n")]
    public async Task Convert_CopyHeredocEscapes_AsBuildKit(string marker, string body, string expected)
    {
        var graph = await Convert($"FROM scratch\nCOPY <<{marker} /f\n{body}EOF\n");
        Assert.Equal([expected], HeredocFiles(graph));
    }

    // BuildKit's testHeredocVarSubstitution: unquoted bodies expand variables and keep quotes; quoted ones do neither.
    [Theory]
    [InlineData("EOF", "Hello ${name}!", "Hello world!")]
    [InlineData("'EOF'", "Hello ${name}!", "Hello ${name}!")]
    [InlineData("\"EOF\"", "Hello ${name}!", "Hello ${name}!")]
    [InlineData("EOF", "Hello '${name}'!", "Hello 'world'!")]
    [InlineData("EOF", "Hello \"${name}\"!", "Hello \"world\"!")]
    [InlineData("'EOF'", "Hello '${name}'!", "Hello '${name}'!")]
    [InlineData("\"EOF\"", "Hello \"${name}\"!", "Hello \"${name}\"!")]
    public async Task Convert_CopyHeredocVariables_AsBuildKit(string marker, string line, string expected)
    {
        var graph = await Convert($"FROM alpine\nARG name=world\nCOPY <<{marker} /dest/c\n{line}\nEOF\n");
        Assert.Equal([$"/EOF={expected}\n"], HeredocFiles(graph));
    }

    [Fact]
    public async Task Convert_CopyHeredocUnderBacktickEscape_StillEscapesWithBackslash()
    {
        // BuildKit expands heredoc bodies with shell.NewLex('\\') whatever the escape directive says.
        var graph = await Convert("# escape=`\nFROM alpine\nCOPY <<EOF /f\na \\$HOME `$HOME\nEOF\n");
        Assert.Equal(["/EOF=a $HOME `\n"], HeredocFiles(graph));
    }

    // BuildKit's testHeredocIndent: <<- strips leading tabs from COPY files and from RUN scripts.
    [Fact]
    public async Task Convert_ChompedHeredocs_LoseLeadingTabs()
    {
        var graph = await Convert("FROM alpine\nCOPY <<EOF /dest/foo-copy\n\tfoo\nEOF\nCOPY <<-EOF /dest/bar-copy\n\tbar\nEOF\n"
            + "RUN <<-EOF\necho \"\n\tbar\" > /dest/bar-run\nEOF\nRUN <<-EOF\n#!/bin/sh\necho \"\n\tbar\" > /dest/bar2-run\nEOF\n");
        Assert.Equal(new[] { "/EOF=\tfoo\n", "/EOF=bar\n", "/EOF=#!/bin/sh\necho \"\nbar\" > /dest/bar2-run\n" }.Order(), HeredocFiles(graph).Order());
        Assert.Contains("/bin/sh|-c|echo \"\nbar\" > /dest/bar-run\n", StepsOf<ExecStep>(graph).Select(e => string.Join('|', e.Args)));
    }

    [Fact]
    public async Task Convert_CopyJsonFormMarker_WritesEmptyFile()
    {
        // parseSourcesAndDest reads markers in either form; the JSON form has no bodies, so the file is empty.
        var graph = await Convert("FROM alpine\nCOPY [\"<<EOF\", \"/f\"]\n");
        Assert.Equal(["/EOF="], HeredocFiles(graph));
    }

    [Fact]
    public async Task Convert_RunChompedHeredocWithIndentedShebang_RunsWithShell()
    {
        // dispatchRun looks for "#!" in the body before chomping: a tab-indented shebang is not one.
        var graph = await Convert("FROM alpine\nRUN <<-EOF\n\t#!/bin/sh\n\techo hi\nEOF\n");
        Assert.Equal(["/bin/sh", "-c", "#!/bin/sh\necho hi\n"], StepsOf<ExecStep>(graph).Single().Args.ToArray());
    }

    [Fact]
    public async Task Convert_RunHeredocWithSpaceAfterMarker_RunsBodyWithShell()
    {
        var graph = await Convert("FROM alpine\nRUN <<  EOF\necho a\nEOF\n");
        Assert.Equal(["/bin/sh", "-c", "echo a\n"], StepsOf<ExecStep>(graph).Single().Args.ToArray());
    }

    [Fact]
    public async Task Convert_OnbuildHeredoc_StoresBodyInTrigger()
    {
        // BuildKit's parseOnBuild appends each heredoc's body and terminator to the stored expression.
        var graph = await Convert("FROM alpine\nONBUILD RUN <<EOF\necho \"hello world\" >> /dest\nEOF\n");
        Assert.Equal(["RUN <<EOF\necho \"hello world\" >> /dest\nEOF"], graph.Targets[0].Config.Config.OnBuild.ToArray());
    }

    [Fact]
    public async Task Convert_FromStageWithOnbuildHeredoc_RunsTheHeredoc()
    {
        var graph = await Convert("FROM alpine AS parent\nONBUILD RUN <<EOF\necho \"hello world\" >> /dest\nEOF\nONBUILD COPY <<EOF /greeting\nhi $WHO\nEOF\nFROM parent\nARG WHO=child\n");
        Assert.Equal(["echo \"hello world\" >> /dest\n"], StepsOf<ExecStep>(graph).Select(e => e.Args[^1]));
        Assert.Equal(["/EOF=hi \n"], HeredocFiles(graph));   // triggers run before the stage's own ARG
    }

    [Fact]
    public async Task Convert_RunHeredocScript_RunsBodyWithShell()
    {
        var graph = await Convert("FROM alpine\nRUN <<EOF\necho a\necho b\nEOF\n");
        Assert.Equal(["/bin/sh", "-c", "echo a\necho b\n"], StepsOf<ExecStep>(graph).Single().Args.ToArray());
    }

    [Fact]
    public async Task Convert_RunHeredocWithShebang_RunsMountedScript()
    {
        var graph = await Convert("FROM alpine\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n");
        ExecStep run = StepsOf<ExecStep>(graph).Single();
        Assert.Equal(["/dev/pipes/EOF"], run.Args.ToArray());
        Assert.IsType<BindMount>(run.Mounts.Single());
    }

    [Fact]
    public async Task Convert_RunMounts_BecomeExecMounts()
    {
        var graph = await Convert("FROM alpine AS deps\nFROM alpine\nARG CACHE=/root/.cache\nRUN --mount=type=cache,target=$CACHE,sharing=locked --mount=type=bind,from=deps,target=/deps --mount=type=secret,id=npmrc --mount=type=tmpfs,target=/tmp,size=64m --network=none make\n");
        ExecStep run = StepsOf<ExecStep>(graph).Single();
        var cache = Assert.IsType<CacheMount>(run.Mounts[0]);
        Assert.Equal(("/root/.cache", "/root/.cache", CacheSharing.Locked), (cache.Id, cache.Target, cache.Sharing));
        Assert.IsType<BindMount>(run.Mounts[1]);
        Assert.Equal("/run/secrets/npmrc", Assert.IsType<SecretMount>(run.Mounts[2]).Target);
        Assert.Equal(64L << 20, Assert.IsType<TmpfsMount>(run.Mounts[3]).Size);
        Assert.Equal(NetworkMode.None, run.Network);
    }

    [Fact]
    public async Task Convert_EntrypointAfterInheritedCmd_ResetsCmd()
    {
        ImageConfig base_ = ImageConfig.Empty(Amd64) with { Config = new ContainerConfig { Cmd = ["sh"] } };
        var graph = await Convert("FROM alpine\nENTRYPOINT [\"/app\"]\n", resolver: new FakeResolver(new() { ["alpine:latest"] = base_ }));
        Assert.True(graph.Targets[0].Config.Config.Cmd.IsDefaultOrEmpty);
        Assert.Equal(["/app"], graph.Targets[0].Config.Config.Entrypoint.ToArray());
    }

    [Fact]
    public async Task Convert_BaseImageOnbuildTriggers_RunFirstAndAreNotInherited()
    {
        ImageConfig base_ = ImageConfig.Empty(Amd64) with { Config = new ContainerConfig { OnBuild = ["RUN echo triggered"] } };
        var graph = await Convert("FROM onbuild-base\nRUN echo mine\n", resolver: new FakeResolver(new() { ["onbuild-base:latest"] = base_ }));
        Assert.Equal(["echo mine", "echo triggered"], StepsOf<ExecStep>(graph).Select(e => e.Args[^1]).Order().ToArray());
        Assert.True(graph.Targets[0].Config.Config.OnBuild.IsDefaultOrEmpty);
    }

    [Fact]
    public async Task Convert_ConfigInstructions_SetImageConfig()
    {
        var graph = await Convert("FROM alpine\nENV PORT=8080\nEXPOSE $PORT 53/udp 9000-9001\nUSER app\nVOLUME /data\nSTOPSIGNAL SIGINT\nLABEL a=b\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/\nSHELL [\"/bin/bash\", \"-c\"]\nCMD run\n");
        ContainerConfig config = graph.Targets[0].Config.Config;
        Assert.Equal(["53/udp", "8080/tcp", "9000/tcp", "9001/tcp"], config.ExposedPorts.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(("app", "SIGINT"), (config.User, config.StopSignal));
        Assert.Equal(["/bin/bash", "-c", "run"], config.Cmd.ToArray());
        Assert.Equal(["CMD-SHELL", "curl -f http://localhost/"], config.Healthcheck!.Test.ToArray());
    }

    [Theory]
    [InlineData("FROM alpine\nEXPOSE 70000\n")]
    [InlineData("FROM alpine\nSTOPSIGNAL kill-me\n")]
    [InlineData("RUN echo\nFROM alpine\n")]
    [InlineData("ARG X\n")]
    [InlineData("FROM Alpine:UPPER\n")]
    [InlineData("FROM alpine\nCOPY --from=missing/stage:tag:bad /a /b\n")]
    [InlineData("FROM alpine\nENV A=${B:?must be set}\n")]
    [InlineData("FROM alpine\nCOPY --chmod=$MODE a /b\n")]
    public async Task Convert_BadDockerfile_IsADockerfileError(string dockerfile)
    {
        await Assert.ThrowsAsync<DockerfileException>(() => Convert(dockerfile));
    }

    [Fact]
    public async Task Convert_Workdir_ResolvesRelativeAndCreatesDirectory()
    {
        var graph = await Convert("FROM alpine\nWORKDIR /a\nWORKDIR b/../c\nRUN pwd\n");
        Assert.Equal("/a/c", StepsOf<ExecStep>(graph).Single().WorkingDirectory);
        Assert.Contains(StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<MkdirAction>(), m => m.Path == "/a/c");
    }

    [Fact]
    public async Task Convert_AddUrl_IsAnHttpSourceWithChecksum()
    {
        string sum = "sha256:" + new string('a', 64);
        var graph = await Convert($"FROM alpine\nADD --checksum={sum} https://example.test/x/tool.tgz /opt/\n");
        HttpSourceStep http = StepsOf<HttpSourceStep>(graph).Single();
        Assert.Equal(("tool.tgz", sum), (http.FileName, http.Checksum.ToString()));
    }

    [Fact]
    public async Task Convert_EnvPairsOnOneLine_ExpandWithTheValuesFromBeforeTheInstruction()
    {
        // The Dockerfile reference's example: def gets the abc of before the line, ghi the new one.
        var graph = await Convert("FROM alpine\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\n");
        Assert.Equal(["abc=bye", "def=hello", "ghi=bye"], graph.Targets[0].Config.Config.Env.Skip(1).ToArray());   // after PATH
    }

    [Fact]
    public async Task Convert_Onbuild_StoresTheTriggerWithoutAHistoryEntry()
    {
        var graph = await Convert("FROM alpine\nONBUILD RUN echo later\nLABEL a=b\n");
        ImageConfig config = graph.Targets[0].Config;
        Assert.Equal(["RUN echo later"], config.Config.OnBuild.ToArray());
        Assert.Equal(["LABEL a=b"], config.History.Select(h => h.CreatedBy ?? "").ToArray());
    }

    [Fact]
    public async Task Convert_FromStageWithOnbuild_RunsTheTriggersAndClearsThem()
    {
        var graph = await Convert("FROM alpine AS parent\nONBUILD RUN echo triggered\nONBUILD LABEL triggered=yes\nFROM parent\nRUN echo child\n");
        ContainerConfig config = graph.Targets[0].Config.Config;
        Assert.Equal(["echo child", "echo triggered"], StepsOf<ExecStep>(graph).Select(e => e.Args[^1]).Order().ToArray());
        Assert.Equal("yes", config.Labels["triggered"]);
        Assert.True(config.OnBuild.IsDefaultOrEmpty);
    }

    [Fact]
    public async Task Convert_FromScratch_StartsWithRootWorkdirAndDefaultPath()
    {
        var graph = await Convert("FROM scratch\nCOPY a /a\n");
        ContainerConfig config = graph.Targets[0].Config.Config;
        Assert.Equal("/", config.WorkingDir);
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], config.Env.ToArray());
    }

    [Fact]
    public async Task Convert_AbsoluteWorkdir_StoredAsWrittenButRelativeOneCleaned()
    {
        var absolute = await Convert("FROM alpine\nWORKDIR /app/src/\n");
        var relative = await Convert("FROM alpine\nWORKDIR /app\nWORKDIR ./src/../lib/\n");
        Assert.Equal("/app/src/", absolute.Targets[0].Config.Config.WorkingDir);
        Assert.Equal("/app/lib", relative.Targets[0].Config.Config.WorkingDir);
        Assert.Contains(StepsOf<FileStep>(absolute).SelectMany(f => f.Actions).OfType<MkdirAction>(), m => m.Path == "/app/src");
    }

    [Fact]
    public async Task Convert_WorkdirAfterUser_CreatesTheDirectoryAsThatUser()
    {
        var graph = await Convert("FROM alpine\nWORKDIR /root-owned\nUSER app:staff\nWORKDIR /home/app/work\n");
        MkdirAction[] made = [.. StepsOf<FileStep>(graph).SelectMany(f => f.Actions).OfType<MkdirAction>()];
        Assert.Null(made.Single(m => m.Path == "/root-owned").Owner);
        Assert.Equal(new FileOwner("app", "staff"), made.Single(m => m.Path == "/home/app/work").Owner);
    }

    [Fact]
    public async Task Env_NameEmptyAfterExpansion_IsAnErrorAtItsLineNotACrash()
    {
        // Found by the fuzz test: "ENV $X=1" with X undefined. BuildKit adds "=1" to the config; imgbuild says it
        // does not support that, at the instruction, instead of failing inside the config builder.
        var error = await Assert.ThrowsAsync<DockerfileException>(() => Convert("FROM scratch\nENV $UNDEFINED=1\n"));

        Assert.Equal((DiagnosticCodes.NotSupportedYet, 2), (error.Diagnostic.Code, error.Diagnostic.Span.StartLine));
        Assert.Contains("ENV name '$UNDEFINED' is empty after expansion", error.Diagnostic.Message, StringComparison.Ordinal);
    }
}
