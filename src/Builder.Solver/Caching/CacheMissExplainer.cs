using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Builder.Cache.BuildCache;
using Builder.Graph;
using Builder.Oci;

namespace Builder.Solver.Caching;

/// <summary>
/// Says why a step missed the cache (moby/buildkit#2567): it compares what the step's cache key is made of (its
/// <see cref="StepRecipe"/>) with the recipes kept for the same instruction (<see cref="StepRecipeIndex"/>), picks the
/// closest (fewest differences, then newest), and names each difference: a changed command or build arg/env value,
/// a base image that moved, context files that changed, an earlier step that ran again. Steps that hit the cache
/// never come here, so the no-op and edit-rebuild paths read nothing more.
/// </summary>
public sealed class CacheMissExplainer(StepRecipeIndex recipes)
{
    /// <summary>The reason of a step no record was kept for.</summary>
    public const string NoRecord = "no cache record for this step (a new step, or its record was pruned or made in another store)";

    private const int NamedFiles = 3;

    private readonly ConcurrentDictionary<StepKey, bool> _ran = new();

    /// <summary>The recipes this explainer reads and writes.</summary>
    public StepRecipeIndex Recipes => recipes;

    /// <summary>One input of a step as the comparison needs it.</summary>
    /// <param name="Step">The input step.</param>
    /// <param name="CacheKey">Its cache key in this build.</param>
    /// <param name="Listing">For a build context, its selected entries with their digests; else null.</param>
    public sealed record InputState(BuildStep Step, Digest CacheKey, Func<IEnumerable<KeyValuePair<string, ulong>>>? Listing);

    /// <summary>What <paramref name="step"/>'s cache key <paramref name="cacheKey"/> is made of.</summary>
    public static StepRecipe RecipeOf(BuildStep step, Digest cacheKey, IReadOnlyList<InputState> inputs, string salt)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(inputs);
        return new StepRecipe(cacheKey.ToString(), StepFingerprint.Of(step), [.. inputs.Select(Describe)], salt, DateTime.UtcNow.Ticks);
    }

    /// <summary>
    /// Why <paramref name="step"/> (recipe <paramref name="current"/>) missed the cache: every difference from the
    /// closest kept recipe, the most telling first; one reason when there is nothing to compare with.
    /// </summary>
    public IReadOnlyList<string> Explain(BuildStep step, StepRecipe current, IReadOnlyList<InputState> inputs)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(inputs);
        ImmutableArray<StepRecipe> kept = ShapeOf(step) is { } shape ? recipes.Find(shape) : [];
        if (kept.IsEmpty) return [NoRecord];
        // The closest record: the one with the fewest differing components; the newest of equals (kept is newest first).
        StepRecipe closest = kept.MinBy(r => Differences(current, r).Count())!;
        if (closest.CacheKey == current.CacheKey)
            return ["no cache record for this step: it was built before, but its record or layer was removed (pruned)"];
        List<string> reasons = [.. Differences(current, closest).Select(d => Say(d, current, closest, inputs))];
        return reasons.Count > 0 ? reasons : [NoRecord];
    }

    /// <summary>Notes that the step with <paramref name="key"/> ran in this build (a later step that reads it says so).</summary>
    public void Ran(StepKey key) => _ran[key] = true;

    /// <summary>Keeps the recipe of a step that was just built, and the listings of the contexts it read.</summary>
    public void Remember(BuildStep step, StepRecipe recipe, IReadOnlyList<InputState> inputs)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(inputs);
        if (ShapeOf(step) is not { } shape) return;
        recipes.Add(shape, recipe);
        foreach (InputState input in inputs)
        {
            if (input.Step is ContextSourceStep && input.Listing is { } listing)
                recipes.AddListing(StepKey.Of(input.Step).Digest, input.CacheKey.ToString(), listing);
        }
    }

    /// <summary>
    /// The shape of a step: what stays the same when its arguments, files or base change. It is the Dockerfile (full
    /// path), the stage, the kind of step and the instruction as written (before variables are expanded); a step no
    /// instruction made has none. Two equal instructions in a stage share a shape, and the closest of its kept
    /// recipes is compared.
    /// </summary>
    public static Digest? ShapeOf(BuildStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.Origin is not { } origin) return null;
        string text = string.Join('\n', "imgbuild.explain-shape.v1", Path.GetFullPath(origin.File), origin.Stage ?? "", step.Kind, origin.Instruction);
        return Digest.Sha256Of(Encoding.UTF8.GetBytes(text));
    }

    // A difference: a definition part (by name), the salt, the input count, or input i.
    private sealed record Difference(string? Part = null, bool Salt = false, bool InputCount = false, int Input = -1);

    private static IEnumerable<Difference> Differences(StepRecipe current, StepRecipe old)
    {
        var oldParts = old.Parts.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var currentParts = current.Parts.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach ((string name, string digest) in current.Parts)
        {
            if (!oldParts.TryGetValue(name, out string? before) || before != digest) yield return new Difference(name);
        }
        foreach ((string name, _) in old.Parts)
        {
            if (!currentParts.ContainsKey(name)) yield return new Difference(name);
        }
        if (current.Inputs.Length != old.Inputs.Length)
        {
            yield return new Difference(InputCount: true);
        }
        else
        {
            for (int i = 0; i < current.Inputs.Length; i++)
            {
                if (current.Inputs[i].CacheKey != old.Inputs[i].CacheKey) yield return new Difference(Input: i);
            }
        }
        if (current.Salt != old.Salt) yield return new Difference(Salt: true);
    }

    private string Say(Difference difference, StepRecipe current, StepRecipe old, IReadOnlyList<InputState> inputs)
    {
        if (difference.Salt) return "SOURCE_DATE_EPOCH changed";
        if (difference.InputCount) return $"its inputs changed ({old.Inputs.Length} before, {current.Inputs.Length} now)";
        if (difference.Part is { } part)
        {
            bool before = old.Parts.Any(p => p.Key == part), now = current.Parts.Any(p => p.Key == part);
            if (part.StartsWith("env:", StringComparison.Ordinal))
            {
                string name = part["env:".Length..];
                return !before ? $"build arg or env {name} is set now (it was not)"
                    : !now ? $"build arg or env {name} is no longer set"
                    : $"build arg or env {name} changed";
            }
            return part switch
            {
                "args" => "the command changed (a variable in it has another value)",
                _ => $"its {part} changed",
            };
        }
        int i = difference.Input;
        StepRecipe.Input was = old.Inputs[i], @is = current.Inputs[i];
        InputState input = inputs[i];
        return input.Step switch
        {
            ImageSourceStep image => was.Label == @is.Label
                ? $"base image {image.Image} changed"
                : $"base image {image.Image} moved: {DigestOf(was.Label)} → {DigestOf(@is.Label)}",
            ContextSourceStep context => ContextChange(context, was, input),
            ExecStep or FileStep => _ran.ContainsKey(StepKey.Of(input.Step))
                ? $"an earlier step ran again: {Name(input.Step)}"
                : $"an earlier step has another cached result: {Name(input.Step)}",
            _ => $"its input {@is.Label} has other content",
        };
    }

    private string ContextChange(ContextSourceStep context, StepRecipe.Input was, InputState input)
    {
        IReadOnlyDictionary<string, ulong>? before = recipes.FindListing(StepKey.Of(context).Digest, was.CacheKey);
        string where = context.Name == ContextSourceStep.DefaultName ? "context" : $"context {context.Name}";
        if (before is null || input.Listing is null) return $"{where} files changed";
        var now = input.Listing().ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        List<string> changed = [.. now.Where(e => !before.TryGetValue(e.Key, out ulong b) || b != e.Value)
                .Select(e => before.ContainsKey(e.Key) ? e.Key : e.Key + " (added)")
            .Concat(before.Keys.Where(k => !now.ContainsKey(k)).Select(k => k + " (removed)"))
            .Order(StringComparer.Ordinal)];
        if (changed.Count == 0) return $"{where} files changed";
        string names = string.Join(", ", changed.Take(NamedFiles)) + (changed.Count > NamedFiles ? $" and {changed.Count - NamedFiles} more" : "");
        return changed.Count == 1 ? $"{where} file changed: {names} (1 file)" : $"{where} files changed: {names} ({changed.Count} files)";
    }

    private static string Name(BuildStep step) => step.Origin is { } origin ? $"{origin.File}:{origin.StartLine} {origin.Instruction}" : step.Describe();

    // An image label is reference@digest: the digest, shortened as docker shows it.
    private static string DigestOf(string label)
    {
        int at = label.LastIndexOf("@sha256:", StringComparison.Ordinal);
        return at < 0 ? label : label[(at + 1)..(Math.Min(label.Length, at + 1 + "sha256:".Length + 12))];
    }

    private static StepRecipe.Input Describe(InputState input) => input.Step switch
    {
        ImageSourceStep image => new StepRecipe.Input("image", $"{image.Image}@{image.ResolvedDigest?.ToString() ?? input.CacheKey.ToString()}", input.CacheKey.ToString()),
        ContextSourceStep context => new StepRecipe.Input("context", context.Name, input.CacheKey.ToString()),
        ExecStep or FileStep => new StepRecipe.Input("step", input.Step.Origin?.Instruction ?? input.Step.Describe(), input.CacheKey.ToString()),
        _ => new StepRecipe.Input("source", input.Step.Describe(), input.CacheKey.ToString()),
    };
}
