using Builder.Solver.Caching;
using Builder.Solver.Sources;

namespace Builder.Solver.Ops;

/// <summary>Where a build's files come from (the context, downloads, git repositories) and where they are put.</summary>
/// <param name="Context">The build context.</param>
/// <param name="Downloads">Fetches <c>ADD https://…</c>.</param>
/// <param name="Git">Fetches <c>ADD …git</c>; null when git is not installed.</param>
/// <param name="Directory">
/// Where each source is made into a directory for this build (deleted when it ends): downloads and git checkouts always,
/// a build context only when a step needs it as a directory (it is otherwise read in place).
/// </param>
/// <param name="Hashes">Remembered file hashes, so unchanged files are not read again for cache keys.</param>
public sealed record BuildSources(IBuildContextSource Context, HttpDownloader Downloads, GitFetcher? Git, string Directory, StatCache Hashes);
