using System.Text;
using System.Text.RegularExpressions;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// <c>--progress=plain</c> of a multi-stage build whose RUN fails while another stage's RUN still runs, against what
/// BuildKit v0.24's printer (buildctl's, which is buildx's progressui) printed for the same Dockerfile:
/// <c>testdata/progress/multistage-failure/buildctl-plain.golden</c>, recorded with
/// <c>buildctl build --progress=plain --frontend dockerfile.v0 --local context=. --local dockerfile=.
/// --opt build-arg:BASE=127.0.0.1:5077/library/busybox:latest --no-cache</c> (the base image already in its store).
/// Both transcripts are normalised the same way (<see cref="Normalise"/>) and must then be equal.
/// </summary>
public sealed partial class PlainProgressGoldenTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-progress-golden-").FullName;

    [Fact]
    public void Build_MultiStageRunFails_PlainProgressIsBuildKits()
    {
        RequiredTool.RequireRoot();
        string source = Path.Combine(PackagedProject.Repository, "testdata", "progress", "multistage-failure");
        string context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        foreach (string file in new[] { "Dockerfile", "a.txt" }) File.Copy(Path.Combine(source, file), Path.Combine(context, file));
        string store = Path.Combine(_root, "store");
        string baseArg = "BASE=" + _registry.SeedBusybox("library/busybox");
        // As in the recording, the base image is in the store already: its FROM is CACHED.
        (int warm, _, string warmError) = InProcessImgbuild.Run("--root", store, "--progress", "plain", "--build-arg", baseArg, "--target", "base", context);
        Assert.True(warm == 0, warmError);

        (int status, _, string error) = InProcessImgbuild.Run("--root", store, "--progress", "plain", "--no-cache", "--build-arg", baseArg, context);

        Assert.Equal(1, status);
        Assert.Equal(Normalise(File.ReadAllText(Path.Combine(source, "buildctl-plain.golden"))), Normalise(error));
    }

    /// <summary>
    /// What may differ between two runs of the same build, even two of BuildKit's, made equal:
    /// <list type="bullet">
    /// <item>digests (<c>sha256:…</c>) and the registry's address, which the test's own registry picks;</item>
    /// <item>times: a line's seconds since its step started (<c>#5 0.287 hello</c>) and a step's duration
    /// (<c>DONE 0.4s</c>);</item>
    /// <item>the order of the vertexes and their numbers: BuildKit loads the metadata, the .dockerignore and the build
    /// context while the first steps run, and prints whichever vertex has news first, so each vertex's lines are
    /// gathered under its name (a resumed vertex's repeated header and <c>#N ...</c> dropped) and the vertexes are
    /// compared sorted by name;</item>
    /// <item>BuildKit's file-transfer and registry-resolve statuses (<c>transferring context: 34B</c>, <c>resolve REF
    /// done</c>), whose sizes vary from run to run, are dropped; imgbuild reads the files in place;</item>
    /// <item>the last line, which buildctl writes <c>error: failed to solve: …</c> and buildx <c>ERROR: failed to solve: …</c>
    /// (imgbuild's, as buildx's).</item>
    /// </list>
    /// Everything else, the summary after the progress (the failed step's lines, the Dockerfile excerpt) in order, is
    /// compared as printed.
    /// </summary>
    private static string Normalise(string transcript)
    {
        transcript = Digest().Replace(transcript, "sha256:<digest>");
        transcript = Registry().Replace(transcript, "<registry>");
        string[] lines = transcript.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        int summary = Array.IndexOf(lines, "------");
        if (summary < 0) summary = lines.Length;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var blocks = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string line in lines[..summary])
        {
            Match match = VertexLine().Match(line);
            if (!match.Success)
            {
                // A line outside any vertex (BuildKit prints none): kept, so one imgbuild adds shows.
                if (line.Length > 0) (blocks.TryGetValue("", out List<string>? loose) ? loose : blocks[""] = []).Add(line);
                continue;
            }
            (string number, string text) = (match.Groups[1].Value, match.Groups[2].Value);
            if (!names.TryGetValue(number, out string? name))
            {
                names[number] = text;
                blocks[text] = [];
                continue;
            }
            if (text == name || text == "..." || text.StartsWith("transferring ", StringComparison.Ordinal) || ResolveStatus().IsMatch(text)) continue;
            blocks[name].Add(Duration().Replace(OutputTime().Replace(text, "<t> "), "DONE <t>"));
        }
        var normal = new StringBuilder();
        foreach ((string name, List<string> block) in blocks.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            normal.Append(name).Append('\n');
            foreach (string line in block) normal.Append("  ").Append(line).Append('\n');
        }
        foreach (string line in lines[summary..])
        {
            string text = OutputTime().Replace(line, "<t> ");
            normal.Append(text.StartsWith("error: ", StringComparison.Ordinal) ? "ERROR: " + text["error: ".Length..] : text).Append('\n');
        }
        return normal.ToString().TrimEnd('\n');
    }

    [GeneratedRegex("sha256:[0-9a-f]{64}")]
    private static partial Regex Digest();

    [GeneratedRegex(@"127\.0\.0\.1:[0-9]+")]
    private static partial Regex Registry();

    [GeneratedRegex("^#([0-9]+) (.*)$")]
    private static partial Regex VertexLine();

    [GeneratedRegex(@"^[0-9]+\.[0-9]{3} ")]
    private static partial Regex OutputTime();

    [GeneratedRegex(@"^DONE [0-9]+\.[0-9]s$")]
    private static partial Regex Duration();

    [GeneratedRegex("^resolve .* done$")]
    private static partial Regex ResolveStatus();

    public void Dispose()
    {
        InProcessImgbuild.Run("--root", Path.Combine(_root, "store"), "prune");
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
