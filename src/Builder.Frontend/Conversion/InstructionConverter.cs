using Builder.Frontend.Instructions;

namespace Builder.Frontend.Conversion;

/// <summary>Sends each instruction of a stage to the converter for its kind.</summary>
internal sealed class InstructionConverter(DockerfileConverter dockerfile, StageState stage)
{
    private readonly ImageConfigConverter _config = new(dockerfile, stage);
    private readonly RunConverter _run = new(dockerfile, stage);
    private readonly CopyConverter _copy = new(dockerfile, stage);

    public async Task ConvertAsync(Instruction instruction, CancellationToken cancellationToken)
    {
        switch (instruction)
        {
            case RunInstruction run:
                await _run.ConvertAsync(run, cancellationToken).ConfigureAwait(false);
                break;
            case CopyInstruction copy:
                await _copy.ConvertAsync(copy, cancellationToken).ConfigureAwait(false);
                break;
            case AddInstruction add:
                await _copy.ConvertAsync(add, cancellationToken).ConfigureAwait(false);
                break;
            default:
                _config.Convert(instruction);
                break;
        }
    }
}
