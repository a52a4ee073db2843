/**
 * The `mav` program: commands, option parsing and the mapping of every failure to a message on stderr and
 * an exit status (see `exit-codes.ts` and `error-exit.ts`).
 */
import { Command, CommanderError } from 'commander';
import type { CliContext } from './cli-context.js';
import { animateCommand } from './commands/animate.js';
import { benchCommand } from './commands/bench.js';
import { extrapolateCommand } from './commands/extrapolate.js';
import { generateCommand } from './commands/generate.js';
import { imageCommand } from './commands/image.js';
import { infoCommand } from './commands/info.js';
import { interpolateCommand } from './commands/interpolate.js';
import { variationsCommand } from './commands/variations.js';
import { errorOutcome } from './error-exit.js';
import { type ExitCode, exitCodeHelp, exitCodes } from './exit-codes.js';
import { defaultModelRelativePath } from './model-source.js';

/** Builds the commander program for `context`. Errors surface as exceptions (`exitOverride`). */
export function createProgram(context: CliContext): Command {
  const program = new Command('mav')
    .description(
      'Make-A-Video in TypeScript: text-to-video, text-to-image, image animation, interpolation and more.',
    )
    .addHelpText(
      'after',
      `\nModel: --model <dir>, else MAV_MODEL, else ${defaultModelRelativePath} in the repository, else random weights.\n\n${exitCodeHelp}\n`,
    )
    .showSuggestionAfterError(true);
  for (const command of [
    generateCommand(context),
    imageCommand(context),
    animateCommand(context),
    interpolateCommand(context),
    extrapolateCommand(context),
    variationsCommand(context),
    infoCommand(context),
    benchCommand(context),
  ]) {
    program.addCommand(command);
  }
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      // Errors are printed once, by runCli, in the `mav: ...` form.
      outputError: () => {},
    });
    for (const child of command.commands) configure(child);
  };
  configure(program);
  return program;
}

/**
 * Runs `mav` with `argv` (the arguments after the program name) and returns the exit status. Never throws:
 * every failure is printed as `mav: <message>` on `context.stderr` (details on indented lines below).
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  const program = createProgram(context);
  if (argv.length === 0) {
    context.stderr.write(program.helpInformation());
    return exitCodes.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCodes.ok;
  } catch (error) {
    if (
      error instanceof CommanderError &&
      (error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help')
    ) {
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    const outcome = errorOutcome(error);
    context.stderr.write(`mav: ${outcome.message}\n`);
    if (outcome.exitCode === exitCodes.internal && context.env.MAV_DEBUG && error instanceof Error) {
      context.stderr.write(`${error.stack}\n`);
    }
    return outcome.exitCode;
  }
}
