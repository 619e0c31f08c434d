#!/usr/bin/env node
/** The `tapegrad` executable: runs the command line and exits with its code. */
import { run } from './index.js';

// `tapegrad graph ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = run(process.argv.slice(2));
