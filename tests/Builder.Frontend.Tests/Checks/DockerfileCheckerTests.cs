using System.Collections.Immutable;
using Builder.Frontend.Checks;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Xunit;

namespace Builder.Frontend.Tests.Checks;

public sealed class DockerfileCheckerTests
{
    private static Task<CheckReport> Check(string text, ImmutableDictionary<string, string>? buildArgs = null, bool allStages = true) =>
        DockerfileChecker.CheckAsync(DockerfileParser.Parse(text), new ConversionOptions { BuildArgs = buildArgs ?? ImmutableDictionary<string, string>.Empty },
            allStages, resolver: null);

    [Fact]
    public async Task Check_ErrorTrue_ReportsBuildKitsViolationError()
    {
        CheckReport report = await Check("# check=error=true\nFROM a AS Upper\nMAINTAINER x\nMAINTAINER y\n");
        Assert.Equal("lint violation found for rules: StageNameCasing, MaintainerDeprecated", report.ErrorMessage);
    }

    [Fact]
    public async Task Check_NoErrorDirective_HasNoError()
    {
        CheckReport report = await Check("FROM a AS Upper\n");
        Assert.Single(report.Warnings);
        Assert.Null(report.ErrorMessage);
    }

    [Fact]
    public async Task Check_BuildArgConfig_ReplacesTheDirective()
    {
        CheckReport report = await Check("# check=skip=all\nFROM a AS Upper\nMAINTAINER x\n",
            ImmutableDictionary<string, string>.Empty.Add(CheckConfig.BuildArg, "skip=MaintainerDeprecated;error=true"));
        Assert.Equal("StageNameCasing", Assert.Single(report.Warnings).Rule.Name);
        Assert.NotNull(report.ErrorMessage);
    }

    [Fact]
    public async Task Check_UnreachableStage_NotDispatchedInABuild()
    {
        const string text = "FROM a AS unused\nWORKDIR rel\nFROM a\nWORKDIR rel2\n";
        Assert.Equal([4], (await Check(text, allStages: false)).Warnings.Select(w => w.Location.StartLine));
        Assert.Equal([2, 4], (await Check(text, allStages: true)).Warnings.Select(w => w.Location.StartLine));
    }

    [Fact]
    public async Task Check_Warning_HasBuildKitsShortForm()
    {
        CheckReport report = await Check("FROM a\nENV X=$Y\n");
        Assert.Equal("UndefinedVar: Usage of undefined variable '$Y' (line 2)", Assert.Single(report.Warnings).Short);
    }

    [Theory]
    [InlineData("skip", "invalid check option \"skip\"")]
    [InlineData("error=maybe", "failed to parse check option \"error=maybe\": strconv.ParseBool: parsing \"maybe\": invalid syntax")]
    [InlineData("skipp=A", "invalid check option \"skipp\"")]
    public void TryParse_BadValue_GivesBuildKitsMessage(string text, string message)
    {
        Assert.False(CheckConfig.TryParse(text, out _, out string? error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void TryParse_SkipExperimentalError_AreRead()
    {
        Assert.True(CheckConfig.TryParse(" skip = A, B ;experimental=all; error=1", out CheckConfig config, out _));
        Assert.Equal(["A", "B"], config.Skip.Order());
        Assert.True(config.ExperimentalAll);
        Assert.True(config.Error);
        Assert.False(config.IsEnabled(CheckRules.All.Single(r => r.Name == "StageNameCasing")) && config.Skip.Contains("StageNameCasing"));
    }

    [Fact]
    public async Task Check_BadDirective_IsAnErrorAtItsLine()
    {
        var error = await Assert.ThrowsAsync<DockerfileException>(() => Check("# check=bogus\nFROM a\n"));
        Assert.Equal(DiagnosticCodes.InvalidDirective, error.Diagnostic.Code);
        Assert.Equal(1, error.Diagnostic.Span.StartLine);
    }

    [Fact]
    public void Rules_AreBuildKitsTwentyTwo_ExperimentalOnesOffByDefault()
    {
        Assert.Equal(22, CheckRules.All.Length);
        Assert.Equal(["CopyIgnoredFile", "InvalidDefinitionDescription"], CheckRules.All.Where(r => !CheckConfig.Default.IsEnabled(r)).Select(r => r.Name));
    }
}
