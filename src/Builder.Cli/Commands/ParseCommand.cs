using System.CommandLine;
using System.Text.Json;
using Builder.Cli.Output;
using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;

namespace Builder.Cli.Commands;

/// <summary><c>imgbuild parse [-f Dockerfile] [--json]</c>: prints the parsed instructions, or the first error.</summary>
internal static class ParseCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Option<string>("--file", "-f") { Description = "The Dockerfile to parse", DefaultValueFactory = _ => "Dockerfile" };
        var json = new Option<bool>("--json") { Description = "Print the instructions as JSON instead of BuildKit's dump format" };
        var command = new Command("parse", "Parse a Dockerfile and print its instructions") { file, json };
        command.SetAction((result, cancellationToken) =>
        {
            var input = new DockerfileInput(result.GetValue(file)!, stdout, stderr);
            return input.RunAsync((text, cancellationToken) =>
            {
                DockerfileSyntax syntax = DockerfileParser.Parse(text, input.DisplayName);
                _ = InstructionParser.Parse(syntax); // type-check every instruction so errors surface here
                foreach (var warning in syntax.Warnings) DiagnosticPrinter.Print(stderr, warning, text);
                if (result.GetValue(json)) WriteJson(stdout, syntax);
                else stdout.Write(BuildKitDump.Write(syntax));
                return Task.FromResult(0);
            }, cancellationToken);
        });
        return command;
    }

    private static void WriteJson(TextWriter stdout, DockerfileSyntax syntax)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("file", syntax.File);
            json.WriteStartObject("directives");
            json.WriteString("escape", syntax.Directives.EscapeToken.ToString());
            if (syntax.Directives.Syntax is not null) json.WriteString("syntax", syntax.Directives.Syntax);
            json.WriteEndObject();
            json.WriteStartArray("instructions");
            foreach (InstructionSyntax instruction in syntax.Instructions) WriteInstruction(json, instruction);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteInstruction(Utf8JsonWriter json, InstructionSyntax instruction)
    {
        json.WriteStartObject();
        json.WriteString("instruction", instruction.Name);
        json.WriteNumber("startLine", instruction.Span.StartLine);
        json.WriteNumber("endLine", instruction.LastLine);
        json.WriteStartArray("flags");
        foreach (SyntaxWord flag in instruction.Flags) json.WriteStringValue(flag.Value);
        json.WriteEndArray();
        json.WriteStartArray("arguments");
        foreach (SyntaxWord argument in instruction.Arguments) json.WriteStringValue(argument.Value);
        json.WriteEndArray();
        json.WriteBoolean("execForm", instruction.IsJsonForm);
        if (instruction.Heredocs.Length > 0)
        {
            json.WriteStartArray("heredocs");
            foreach (Heredoc heredoc in instruction.Heredocs)
            {
                json.WriteStartObject();
                json.WriteString("name", heredoc.Name);
                json.WriteBoolean("expand", heredoc.Expand);
                json.WriteString("content", heredoc.ChompedContent);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (instruction.Subcommand is not null)
        {
            json.WritePropertyName("trigger");
            WriteInstruction(json, instruction.Subcommand);
        }
        json.WriteEndObject();
    }
}
