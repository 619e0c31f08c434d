/** What every subcommand module provides, and the help footer they share. */
import { type Io } from './io.js';

/** @group Running */
export interface Command {
  readonly name: string;
  /** One line for `tapegrad --help`. */
  readonly summary: string;
  /** The full `--help` text (without the shared footer). */
  readonly help: string;
  /** Runs with the arguments after the command name; returns the exit code. Throws CLI errors. */
  run(argv: readonly string[], io: Io): number;
}

/** Appended to every `--help`. */
export const HELP_FOOTER = `Common options:
  -h, --help     show this help
  --debug        on error, print the stack trace too
  -v, --version  print tapegrad's version: \`tapegrad --version\`, with nothing after it

Exit codes:
  0  success
  1  a check failed (autodiff and closed form / finite differences disagree, or training diverged)
  2  usage error (unknown option, bad value, bad expression)
  3  bad data (unreadable or malformed CSV file, unwritable --save path)
  4  internal error (a bug in tapegrad: please report it with --debug output)
With --json on the command line, an error is one JSON object on stdout instead of a line on
stderr: {"error": {"type": "<error class>", "message": "...", "exitCode": <code>}}`;
