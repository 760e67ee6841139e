using Builder.Cli.Options;
using System.Net.Sockets;

namespace Builder.Cli.Tests.Options;

public sealed class SshAgentsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imgbuild-ssh-").FullName;
    private readonly List<Socket> _listeners = [];

    private string Listen(string name)
    {
        string path = Path.Combine(_directory, name);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen();
        _listeners.Add(socket);
        return path;
    }

    [Fact]
    public void Parse_IdAndSocket_IsThatSocket()
    {
        string socket = Listen("agent.sock");

        Assert.Equal(socket, SshAgents.Parse([$"default={socket}"], Environment.GetEnvironmentVariable)["default"]);
    }

    [Fact]
    public void Parse_QuotedSocketPathWithComma_IsThatSocket()
    {
        string socket = Listen("a,b.sock");

        Assert.Equal(socket, SshAgents.Parse([$"\"work={socket}\""], Environment.GetEnvironmentVariable)["work"]);
    }

    [Theory]
    [InlineData("default=/a.sock,/b.sock", "not supported yet: several paths for one id")]
    [InlineData("=/a.sock", "has no id")]
    [InlineData("default=/a\"b", "--ssh 'default=/a\"b': the quote in 'default=/a\"b' must start the field")]
    public void Parse_BadValue_FailsNamingFlagAndField(string value, string message)
    {
        var error = Assert.Throws<FormatException>(() => SshAgents.Parse([value], Environment.GetEnvironmentVariable));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (Socket socket in _listeners) socket.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
