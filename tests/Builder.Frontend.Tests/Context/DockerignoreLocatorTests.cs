using Builder.Filesystem.Patterns;
using Builder.Frontend.Context;
using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Tests.Context;

public class DockerignoreLocatorTests
{
    [Fact]
    public void Find_DockerfileSpecificFileExists_WinsOverContextRoot()
    {
        using ContextTree tree = new ContextTree()
            .File(".dockerignore", "root").File("build/app.Dockerfile").File("build/app.Dockerfile.dockerignore", "specific");

        string? found = DockerignoreLocator.Find(tree.Root, Path.Combine(tree.Root, "build/app.Dockerfile"));

        Assert.Equal(Path.Combine(tree.Root, "build/app.Dockerfile.dockerignore"), found);
    }

    [Fact]
    public void Find_DefaultDockerfileWithSpecificFile_UsesDockerfileDotDockerignore()
    {
        using ContextTree tree = new ContextTree().File(".dockerignore").File("Dockerfile").File("Dockerfile.dockerignore");

        Assert.Equal(Path.Combine(tree.Root, "Dockerfile.dockerignore"),
                     DockerignoreLocator.Find(tree.Root, Path.Combine(tree.Root, "Dockerfile")));
    }

    [Fact]
    public void Find_OnlyContextRootFile_UsesIt()
    {
        using ContextTree tree = new ContextTree().File(".dockerignore").File("build/app.Dockerfile");

        Assert.Equal(Path.Combine(tree.Root, ".dockerignore"),
                     DockerignoreLocator.Find(tree.Root, Path.Combine(tree.Root, "build/app.Dockerfile")));
    }

    [Fact]
    public void Load_NoIgnoreFile_ReturnsNoPatterns()
    {
        using ContextTree tree = new ContextTree().File("Dockerfile");

        Assert.Empty(DockerignoreLocator.Load(tree.Root, Path.Combine(tree.Root, "Dockerfile")));
    }

    [Fact]
    public void Load_SpecificFile_ReadsItsPatterns()
    {
        using ContextTree tree = new ContextTree()
            .File(".dockerignore", "root").File("build/app.Dockerfile").File("build/app.Dockerfile.dockerignore", "specific\n!keep");

        Assert.Equal(["specific", "!keep"],
                     DockerignoreLocator.Load(tree.Root, Path.Combine(tree.Root, "build/app.Dockerfile")).Select(p => p.ToString()));
    }

    [Fact]
    public void Load_BadPattern_ErrorNamesFileRelativeToContext()
    {
        using ContextTree tree = new ContextTree().File("Dockerfile").File(".dockerignore", "ok\n[");

        var e = Assert.Throws<DockerfileException>(() => DockerignoreLocator.Load(tree.Root, Path.Combine(tree.Root, "Dockerfile")));

        Assert.Equal(SourceSpan.At(".dockerignore", 2, 1), e.Diagnostic.Span);
    }
}
