using System.CommandLine;
using Builder.Cli.Commands;

namespace Builder.Cli;

/// <summary>Builds the command tree and runs it with the given output streams, so tests can call it in-process.</summary>
internal static class ImgbuildCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, CliEnvironment.Process);

    /// <summary>Runs the command line with <paramref name="environment"/> as its process environment.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CliEnvironment environment)
    {
        (RootCommand root, args, string? unknownCommand) = Create(args, stdout, stderr, environment);
        if (unknownCommand is not null) return UnknownInput.ReportCommand(unknownCommand, root, stderr);
        ParseResult parsed = root.Parse(args);
        if (UnknownInput.TryReportFlag(parsed, stderr)) return 1;
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>
    /// Runs the command line as the <c>imgbuild</c> process: <paramref name="signals"/> (SIGINT, SIGTERM, SIGHUP) cancel
    /// the command, which cleans up before it returns, however long that takes.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CliEnvironment environment, TerminationSignals signals)
    {
        (RootCommand root, args, string? unknownCommand) = Create(args, stdout, stderr, environment);
        if (unknownCommand is not null) return UnknownInput.ReportCommand(unknownCommand, root, stderr);
        ParseResult parsed = root.Parse(args);
        if (UnknownInput.TryReportFlag(parsed, stderr)) return 1;
        // System.CommandLine's own handling covers SIGINT and SIGTERM only, and ends the process two seconds after
        // the signal even if cleanup has not finished: the signals are handled here instead.
        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
        try
        {
            int status = await parsed.InvokeAsync(configuration, signals.Token).ConfigureAwait(false);
            // A command that stopped for the signal reports it as shells do (130 for Ctrl-C, 129 for a hang-up).
            return status != 0 && signals.Token.IsCancellationRequested ? signals.ExitStatus : status;
        }
        catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("imgbuild: stopped by a signal; cleaned up").ConfigureAwait(false);
            return signals.ExitStatus;
        }
    }

    private static (RootCommand Root, string[] Args, string? UnknownCommand) Create(string[] args, TextWriter stdout, TextWriter stderr, CliEnvironment environment)
    {
        var root = new RootCommand("imgbuild: builds container images from Dockerfiles");
        root.Subcommands.Add(ParseCommand.Create(stdout, stderr));
        root.Subcommands.Add(GraphCommand.Create(stdout, stderr, environment));
        var store = new StoreRoot(environment);
        root.Options.Add(store.Option);
        root.Subcommands.Add(ImagesCommand.Create(store, stdout, stderr));
        root.Subcommands.Add(TagCommand.Create(store, stdout, stderr));
        root.Subcommands.Add(RmiCommand.Create(store, stdout, stderr));
        root.Subcommands.Add(InspectCommand.Create(store, stdout, stderr));
        root.Subcommands.Add(PruneCommand.Create(store, stdout, stderr, environment));
        root.Subcommands.Add(DuCommand.Create(store, stdout, stderr));
        root.Subcommands.Add(SaveCommand.Create(store, stdout, stderr));
        root.Subcommands.Add(LoadCommand.Create(store, stdout, stderr));
        var registry = new RegistryAccess(environment);
        root.Options.Add(registry.InsecureOption);
        root.Subcommands.Add(PullCommand.Create(store, registry, stdout, stderr));
        root.Subcommands.Add(PushCommand.Create(store, registry, stdout, stderr));
        root.Subcommands.Add(LoginCommand.Create(registry, stdout, stderr, environment));
        root.Subcommands.Add(LogoutCommand.Create(registry, stdout, stderr));
        root.Subcommands.Add(BuildCommand.Create(store, registry, stdout, stderr, environment));
        root.Subcommands.Add(ComposeCommand.Create(store, registry, stdout, stderr, environment));
        // A first word that is neither a command nor a path to build is a mistyped command, not a context.
        if (UnknownInput.Command(args, root) is { } unknown)
            return (root, args, unknown);
        // `imgbuild -t app:1 .` is `imgbuild build -t app:1 .`, as `docker buildx` users type it.
        if (args.Length > 0 && !args.Any(a => root.Subcommands.Any(c => c.Name == a) || a is "--help" or "-h" or "-?" or "--version"))
            args = ["build", .. args];
        return (root, args, null);
    }
}
