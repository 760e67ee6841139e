namespace Builder.Cache.Distribution;

/// <summary>Looks up the credential for a registry host.</summary>
public interface IRegistryCredentials
{
    /// <summary>The credential for <paramref name="host"/> (<c>docker.io</c>, <c>localhost:5000</c>), or <see langword="null"/> for anonymous access.</summary>
    RegistryCredential? Find(string host);
}
