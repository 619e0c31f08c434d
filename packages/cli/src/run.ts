/**
 * The `tapegrad` dispatcher: picks the command, handles --help, and turns errors into one
 * line on stderr and a meaningful exit code.
 */
import { ArgumentError, describeValue, GradError, TapegradError } from '@tapegrad/core';
import { ModelFormatError, TrainingDivergedError } from '@tapegrad/nn';
import { type Command, HELP_FOOTER } from './command.js';
import { compareCommand } from './commands/compare.js';
import { explainCommand } from './commands/explain.js';
import { exportCommand } from './commands/export.js';
import { graphCommand } from './commands/graph.js';
import { predictCommand } from './commands/predict.js';
import { irisCommand, trainCommand } from './commands/train.js';
import { DataError, EXIT, UsageError } from './errors.js';
import { type Io, processIo } from './io.js';

/**
 * Every command, in the order `tapegrad --help` lists them.
 * @internal
 */
export const COMMANDS: readonly Command[] = [irisCommand, trainCommand, compareCommand, explainCommand, graphCommand, predictCommand, exportCommand];

const VERSION = '0.1.0';

function topHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return `tapegrad ${VERSION}: see backpropagation work. Reverse-mode autodiff checked against the chain rule.

Usage: tapegrad [command] [options]
       tapegrad --version

With no command, runs the main job (\`tapegrad iris\`): trains a small network on the Iris data
set with tape gradients, checked against the closed form as it goes.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}

Run \`tapegrad <command> --help\` for a command's options. Every command takes --json for
scripting: the result is one JSON object on stdout, and so is an error,
\`{"error": {"type": "UsageError", "message": "...", "exitCode": 2}}\` (same exit code, nothing
on stderr), whenever --json is on the command line, even if the error is in another option.

${HELP_FOOTER}`;
}

/**
 * Runs the `tapegrad` command line.
 * @param argv the arguments after the program name, e.g. `['compare', '--batch', '4']`
 * @param io where output goes (default: the process's stdout and stderr)
 * @returns the exit code: 0 ok, 1 a check failed, 2 usage error, 3 bad data, 4 internal error.
 *   With `--json` anywhere on the command line, an error is one JSON object on stdout,
 *   `{"error": {"type", "message", "exitCode"}}`, instead of a line on stderr.
 * @throws ArgumentError when `argv` is not an array of strings.
 * @example run(['explain'], memoryIo()) // 0
 * @group Running
 */
export function run(argv: readonly string[], io: Io = processIo()): number {
  // An embedder's mistake, not a command line: thrown, not turned into an exit code.
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) {
    const bad = Array.isArray(argv) ? `an array holding ${describeValue(argv.find((a) => typeof a !== 'string'))}` : describeValue(argv);
    throw new ArgumentError(`run: argv must be an array of strings (the arguments after the program name), got ${bad}`);
  }
  const debug = argv.includes('--debug');
  const json = argv.includes('--json');
  try {
    const [first, ...rest] = argv;
    if (first === '--version' || first === '-v') {
      if (rest.length > 0) throw new UsageError(`tapegrad ${first}: takes nothing after it, got '${rest[0]}'; run \`tapegrad ${first}\` alone`);
      io.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (first === undefined || first.startsWith('-')) {
      if (first === '--help' || first === '-h') {
        io.stdout.write(topHelp() + '\n');
        return EXIT.ok;
      }
      return runCommand(irisCommand, argv, io);
    }
    if (first === 'help') return helpCommand(rest, io);
    const command = findCommand(first);
    if (command === undefined) {
      throw new UsageError(`tapegrad: unknown command '${first}'; commands are ${COMMANDS.map((c) => c.name).join(', ')} (see tapegrad --help)`);
    }
    return runCommand(command, rest, io);
  } catch (e) {
    return reportError(e, io, { debug, json });
  }
}

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** `tapegrad help [command]`: one optional argument, which must name a command. */
function helpCommand(args: readonly string[], io: Io): number {
  if (args.length > 1) throw new UsageError(`tapegrad help: takes at most one command name, got ${args.length} arguments; e.g. \`tapegrad help train\``);
  const [name] = args;
  if (name === undefined) {
    io.stdout.write(topHelp() + '\n');
    return EXIT.ok;
  }
  const c = findCommand(name);
  if (c === undefined) throw new UsageError(`tapegrad help: unknown command '${name}'; commands are ${COMMANDS.map((x) => x.name).join(', ')}`);
  io.stdout.write(`${c.help}\n\n${HELP_FOOTER}\n`);
  return EXIT.ok;
}

function runCommand(c: Command, argv: readonly string[], io: Io): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${c.help}\n\n${HELP_FOOTER}\n`);
    return EXIT.ok;
  }
  return c.run(argv, io);
}

/**
 * Exit code for an error: the CLI's own types carry theirs; a diverged training run is a
 * failed check (1); a saved model that cannot be read is bad data (3); any other error core
 * or nn raise on purpose (ShapeError, ArgumentError, LayerShapeError, ...) comes from a
 * value on the command line that the library rejected (2). A GradError (the CLI misusing
 * grad/vjp) and an error tapegrad did not raise on purpose (a native TypeError,
 * RangeError, ...) are internal (4).
 * @example exitCodeOf(new CsvError('x.csv', 3, null, 'ragged row')) // 3
 * @group Running
 */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError || e instanceof DataError) return e.exitCode;
  // The options were valid and the run went ahead; it is the training that failed, so the
  // user changes the learning rate or the data, not the command line.
  if (e instanceof TrainingDivergedError) return EXIT.checkFailed;
  if (e instanceof ModelFormatError) return EXIT.badData;
  // A GradError is the CLI misusing the differentiation API itself: no command line causes one.
  if (e instanceof TapegradError && !(e instanceof GradError)) return EXIT.usage;
  return EXIT.internal;
}

/** The `type` of an error as `--json` reports it: its class name (`UsageError`, `CsvError`, `TypeError`). */
function errorType(e: unknown): string {
  if (e instanceof Error) return e.name;
  return e === null ? 'null' : typeof e;
}

/**
 * Reports an error the way `run` does and returns its exit code: one line on stderr, or with
 * `json` one `{"error": {"type", "message", "exitCode"}}` object on stdout; `debug` adds the stack on stderr.
 * @example reportError(new UsageError('tapegrad train --epochs: ...'), memoryIo(), { debug: false, json: true }) // 2
 * @group Running
 */
export function reportError(e: unknown, io: Io, opts: { debug: boolean; json: boolean }): number {
  const code = exitCodeOf(e);
  const msg = e instanceof Error ? e.message : String(e);
  const prefix = e instanceof TapegradError && msg.startsWith('tapegrad') ? '' : 'tapegrad: ';
  const internal = code === EXIT.internal ? ' (internal error: please report it, with the output of --debug)' : '';
  if (opts.json) {
    io.stdout.write(JSON.stringify({ error: { type: errorType(e), message: `${prefix}${msg}${internal}`, exitCode: code } }) + '\n');
  } else {
    io.stderr.write(`${prefix}${msg}${internal}\n`);
  }
  if (opts.debug && e instanceof Error && e.stack !== undefined) io.stderr.write(`${e.stack}\n`);
  return code;
}
