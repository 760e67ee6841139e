namespace Builder.Cache.Distribution;

/// <summary>A user name and password (or token) for one registry. <see cref="ToString"/> never shows the secret.</summary>
/// <param name="Username">The user name; <c>&lt;token&gt;</c> with an identity token, as Docker writes it.</param>
/// <param name="Password">The password or token.</param>
public sealed record RegistryCredential(string Username, string Password)
{
    /// <summary>The user name only.</summary>
    public override string ToString() => $"RegistryCredential {{ Username = {Username}, Password = *** }}";
}
