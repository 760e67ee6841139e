using System.Text;
using System.Text.Json;
using Builder.Oci;
using Builder.Graph;

namespace Builder.Solver.Tests.Graph;

public class GraphJsonWriterTests
{
    private static BuildGraph Graph(BuildStep step) => new(new BuildTarget("final", step, SampleGraphs.Config()));

    private static JsonElement Parse(BuildGraph graph) => JsonDocument.Parse(GraphJsonWriter.Write(graph)).RootElement;

    [Fact]
    public void Write_SharedInputBuiltTwice_OneStep()
    {
        JsonElement root = Parse(Graph(SampleGraphs.Build()));
        string[] keys = [.. root.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("key").GetString()!)];
        Assert.Equal(4, keys.Length);
        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void Write_Steps_InputsComeFirstAndAreListedByKey()
    {
        var written = new HashSet<string>();
        foreach (JsonElement step in Parse(Graph(SampleGraphs.Build())).GetProperty("steps").EnumerateArray())
        {
            foreach (JsonElement input in step.GetProperty("inputs").EnumerateArray())
                Assert.Contains(input.GetString()!, written);
            written.Add(step.GetProperty("key").GetString()!);
        }
    }

    [Fact]
    public void Write_Target_EmbedsConfigAndFinalKey()
    {
        FileStep final = SampleGraphs.Build();
        JsonElement target = Parse(Graph(final)).GetProperty("targets")[0];
        Assert.Equal("final", target.GetProperty("stage").GetString());
        Assert.Equal(StepKey.Of(final).ToString(), target.GetProperty("step").GetString());
        Assert.Equal(Encoding.UTF8.GetString(ImageConfigSerializer.Serialize(SampleGraphs.Config())),
            target.GetProperty("config").GetRawText());
    }

    [Fact]
    public void Write_ExecStep_WritesFieldsMountsAndOrigin()
    {
        JsonElement exec = Parse(Graph(SampleGraphs.Build())).GetProperty("steps").EnumerateArray()
            .Single(s => s.GetProperty("kind").GetString() == "exec");
        JsonElement fields = exec.GetProperty("fields");
        Assert.Equal("None", fields.GetProperty("network").GetString());
        Assert.Equal(["bind", "cache", "tmpfs", "secret", "ssh"],
            fields.GetProperty("mounts").EnumerateArray().Select(m => m.GetProperty("kind").GetString()));
        Assert.Equal("Locked", fields.GetProperty("mounts")[1].GetProperty("sharing").GetString());
        Assert.Equal("0755", fields.GetProperty("mounts")[1].GetProperty("mode").GetString());
        Assert.Equal(4, exec.GetProperty("origin").GetProperty("startLine").GetInt32());
    }

    [Fact]
    public void Write_MkfileData_IsBase64()
    {
        JsonElement file = Parse(Graph(SampleGraphs.Build())).GetProperty("steps").EnumerateArray()
            .Single(s => s.GetProperty("kind").GetString() == "file");
        JsonElement mkfile = file.GetProperty("fields").GetProperty("actions")[2];
        Assert.Equal("#!/bin/sh\nexec /app/app\n", Encoding.UTF8.GetString(mkfile.GetProperty("data").GetBytesFromBase64()));
    }

    [Fact]
    public void Write_QuotesAndNewlines_RoundTrip()
    {
        const string script = "echo \"a\\b\"\n</script> é";
        JsonElement step = Parse(Graph(SampleGraphs.Run(SampleGraphs.Alpine(), script))).GetProperty("steps")[1];
        Assert.Equal("/bin/sh -c " + script, string.Join(' ',
            step.GetProperty("fields").GetProperty("args").EnumerateArray().Select(a => a.GetString())));
    }

    [Fact]
    public void Write_SameGraphTwice_SameText() =>
        Assert.Equal(GraphJsonWriter.Write(Graph(SampleGraphs.Build())), GraphJsonWriter.Write(Graph(SampleGraphs.Build())));
}
