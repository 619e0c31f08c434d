#!/usr/bin/env node
/** The `tapegrad` executable: runs the command line and exits with its code. */
import { run } from './index.js';

process.exitCode = run(process.argv.slice(2));
