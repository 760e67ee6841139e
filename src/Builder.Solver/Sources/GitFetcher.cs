using System.Diagnostics;
using Builder.Graph;

namespace Builder.Solver.Sources;

/// <summary>
/// Fetches the tree of an <c>ADD https://…/repo.git#ref:subdir</c> (<see cref="GitSourceStep"/>) into a directory with
/// the machine's <c>git</c>, as BuildKit's git source does: a shallow fetch of the ref (a branch, a tag or a commit;
/// the remote's HEAD when none is given), submodules included, the <c>.git</c> directory dropped unless
/// <c>--keep-git-dir</c>, and only the subdirectory kept when one is named. git never prompts for credentials.
/// </summary>
public sealed class GitFetcher(string git)
{
    /// <summary>Fetches <paramref name="step"/>'s repository into <paramref name="directory"/> (created).</summary>
    /// <exception cref="IOException">git failed (an unknown ref, an unreachable remote) or the subdirectory is missing.</exception>
    public async Task FetchAsync(GitSourceStep step, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        string checkout = step.Subdirectory is null ? directory : directory + ".checkout";
        Directory.CreateDirectory(checkout);
        try
        {
            await GitAsync(step, checkout, cancellationToken, "init", "-q").ConfigureAwait(false);
            await GitAsync(step, checkout, cancellationToken, "remote", "add", "origin", step.Remote).ConfigureAwait(false);
            await GitAsync(step, checkout, cancellationToken, "fetch", "-q", "--depth=1", "--no-tags", "origin", step.Ref ?? "HEAD").ConfigureAwait(false);
            await GitAsync(step, checkout, cancellationToken, "checkout", "-q", "FETCH_HEAD").ConfigureAwait(false);
            if (File.Exists(Path.Combine(checkout, ".gitmodules")))
                await GitAsync(step, checkout, cancellationToken, "submodule", "update", "-q", "--init", "--recursive", "--depth=1").ConfigureAwait(false);
            if (!step.KeepGitDir) Directory.Delete(Path.Combine(checkout, ".git"), recursive: true);
            if (step.Subdirectory is { } subdirectory)
            {
                string source = Filesystem.RootedPath.Resolve(checkout, subdirectory);
                if (!Directory.Exists(source))
                    throw new IOException($"ADD {step.Describe()}: the repository has no directory '{subdirectory}'");
                Directory.Move(source, directory);
            }
        }
        finally
        {
            if (step.Subdirectory is not null && Directory.Exists(checkout)) Directory.Delete(checkout, recursive: true);
        }
    }

    private async Task GitAsync(GitSourceStep step, string directory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo(git)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_ASKPASS"] = "true";
        using Process process = Process.Start(start) ?? throw new IOException($"cannot start {git}");
        using CancellationTokenRegistration kill = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(output, error).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new IOException($"ADD {step.Describe()}: git {arguments[0]} failed ({process.ExitCode}): {(await error.ConfigureAwait(false)).Trim()}");
    }
}
