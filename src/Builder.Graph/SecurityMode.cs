namespace Builder.Graph;

/// <summary>The sandbox of an <see cref="ExecStep"/>, as <c>RUN --security</c> names it.</summary>
public enum SecurityMode
{
    /// <summary>The default container sandbox.</summary>
    Sandbox,

    /// <summary>A privileged container; needs the <c>security.insecure</c> entitlement.</summary>
    Insecure,
}
