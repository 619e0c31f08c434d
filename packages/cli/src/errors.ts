/**
 * The CLI's error types. Each carries the exit code the command ends with, so the
 * dispatcher maps errors to codes in one place (see `EXIT` and `tapegrad --help`).
 */
import { TapegradError } from '@tapegrad/core';

/**
 * Exit codes: 0 ok, 1 a check failed, 2 usage error, 3 bad data, 4 internal error (a bug).
 * @group Running
 */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2, badData: 3, internal: 4 } as const;

/**
 * A command line the command cannot run: unknown option, bad value, missing argument. Exit 2.
 * @group Errors
 */
export class UsageError extends TapegradError {
  readonly exitCode: number = EXIT.usage;
}

/**
 * Input data the command cannot use: unreadable file, malformed CSV, bad expression values. Exit 3.
 * @group Errors
 */
export class DataError extends TapegradError {
  readonly exitCode: number = EXIT.badData;
}

/**
 * A malformed CSV file. `line` is the 1-based physical line the bad record starts on
 * (the header is line 1); `column` is the 1-based field index when one field is at fault.
 * @group Errors
 */
export class CsvError extends DataError {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;

  constructor(file: string, line: number | null, column: number | null, rule: string) {
    const where = line === null ? file : column === null ? `${file} line ${line}` : `${file} line ${line}, column ${column}`;
    super(`${where}: ${rule}`);
    this.file = file;
    this.line = line;
    this.column = column;
  }
}
