/**
 * Loading a CSV file into a Dataset while it streams: the file is read in chunks from a
 * file descriptor, decoded as UTF-8, split into records and parsed straight into typed
 * arrays, so memory stays near the size of the numbers (8 bytes a value), not of the text.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { checkHeader, CsvTokenizer, emptyFileError } from './csv.js';
import { DatasetBuilder, type Dataset, type DatasetOptions } from './dataset.js';
import { ArgumentError, describeValue, intArg } from '@tapegrad/core';
import { needDatasetOptions, needString } from './data-args.js';
import { CsvError, DataError } from './errors.js';

/**
 * Options of `loadDataset`.
 * @group Data
 */
export interface LoadOptions extends DatasetOptions {
  /** Bytes read per chunk (default 64 KiB); tests use tiny chunks to split quotes and CRLFs. */
  readonly chunkSize?: number;
  /** Called after each chunk with the bytes read so far and the file's size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/**
 * The default chunk size: 64 KiB. Measured on a 50 MB file: 1 MiB chunks peak 60 MB higher
 * (each chunk is one large string, kept until the cells sliced from it are collected) and are no faster.
 */
export const CHUNK_SIZE = 1 << 16;

/** The file's name as typed and, when a relative name was resolved elsewhere, where it was looked for. */
function readError(file: string, path: string, e: unknown): DataError {
  const code = e instanceof Error && 'code' in e ? String(e.code) : '';
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : code || String(e);
  return new DataError(`${file}: cannot read the file (${why}${path === file ? '' : `: ${path}`}); check the --data path`);
}

/**
 * Reads a CSV file with a header into a Dataset, streaming: the text is never held whole.
 * @param path the file's path @param file its name in messages (as the user wrote it)
 * @param opts the target column and task (as for `buildDataset`), chunk size, a progress callback
 * @returns X: [n, features], Y: [n, classes] one-hot or [n, 1] raw
 * @throws DataError for a file that cannot be read; CsvError for text that is not UTF-8 and
 *   for every rule of `parseCsv` and `buildDataset`, naming the line (and column) at fault.
 * @example loadDataset('iris.csv', 'iris.csv', { target: 'species', task: 'auto' }).classes
 * @group Data
 */
export function loadDataset(path: string, file: string, opts: LoadOptions): Dataset {
  needString('loadDataset', 'path', path);
  needString('loadDataset', 'file', file);
  needDatasetOptions('loadDataset', opts, ['chunkSize', 'onProgress']);
  if (opts.chunkSize !== undefined) intArg('loadDataset', 'chunkSize', opts.chunkSize, 1, 1 << 30);
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') {
    throw new ArgumentError(`loadDataset: onProgress must be a function, got ${describeValue(opts.onProgress)}`);
  }
  // The builder exists once the header record has been read.
  const state: { builder: DatasetBuilder | null } = { builder: null };
  let estimated = false;
  streamCsv(path, file, {
    onRecord: (cells, line) => {
      if (state.builder === null) state.builder = new DatasetBuilder(file, checkHeader(cells, line, file), { target: opts.target, task: opts.task });
      else state.builder.add(cells, line);
    },
    afterChunk: (read, total) => {
      opts.onProgress?.(read, total);
      // After the first chunk, size the arrays for the whole file at once (rows ≈ size × rows / bytes so far).
      const b = state.builder;
      if (!estimated && b !== null && b.rows >= 16 && total > read) {
        estimated = true;
        b.reserve(b.rows * (total / read) * 1.02 + 16);
      }
    },
    ...(opts.chunkSize === undefined ? {} : { chunkSize: opts.chunkSize }),
  });
  const b = state.builder;
  if (b === null) throw emptyFileError(file);
  return b.finish();
}

/** What `streamCsv` calls: each record (the header first) with its line, and after each chunk the bytes read so far and the file's size. */
export interface CsvStream {
  readonly onRecord: (cells: string[], line: number) => void;
  readonly afterChunk?: (bytesRead: number, totalBytes: number) => void;
  /** Bytes read per chunk (default CHUNK_SIZE). */
  readonly chunkSize?: number;
}

/**
 * Reads a CSV file as it streams: chunks from a file descriptor, decoded as UTF-8, split into
 * records, each handed to `onRecord` (the header too), so the text is never held whole.
 * @param path the file's path @param file its name in messages (as the user wrote it)
 * @throws DataError for a file that cannot be read (naming where a relative name was looked for);
 *   CsvError for text that is not UTF-8 or a malformed record; whatever `onRecord` throws.
 */
export function streamCsv(path: string, file: string, s: CsvStream): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw readError(file, path, e);
  }
  try {
    let total = 0;
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      total = st.size;
    } catch (e) {
      throw readError(file, path, e);
    }
    const tokenizer = new CsvTokenizer(file, s.onRecord);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const chunk = s.chunkSize ?? CHUNK_SIZE;
    const buf = Buffer.allocUnsafe(chunk);
    let read = 0;
    // The bytes of a character split at the end of the last chunk, which the decoder holds back.
    let pending: Uint8Array = new Uint8Array(0);
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, buf, 0, chunk, null);
      } catch (e) {
        throw readError(file, path, e);
      }
      const bytes = buf.subarray(0, got);
      let text: string;
      try {
        text = got === 0 ? decoder.decode() : decoder.decode(bytes, { stream: true });
      } catch {
        throw notUtf8(file, tokenizer, Buffer.concat([pending, bytes]), read - pending.length);
      }
      pending = Uint8Array.from(bytes.subarray(bytes.length - splitTail(bytes)));
      tokenizer.push(text);
      read += got;
      s.afterChunk?.(read, total);
      if (got === 0) break;
    }
    tokenizer.end();
  } finally {
    closeSync(fd);
  }
}

/** How many bytes at the end of `bytes` start a UTF-8 sequence that continues in the next chunk. */
function splitTail(bytes: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const b = bytes[bytes.length - k]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

/** A CsvError for bytes that are not UTF-8, at the line of the first bad byte (the text before it is parsed first, so earlier errors win). */
function notUtf8(file: string, tokenizer: CsvTokenizer, bytes: Uint8Array, before: number): CsvError {
  const text = new TextDecoder('utf-8').decode(bytes, { stream: true });
  const bad = text.indexOf('\ufffd');
  if (bad > 0) tokenizer.push(text.slice(0, bad));
  const at = bad >= 0 ? before + Buffer.byteLength(text.slice(0, bad)) : before;
  return new CsvError(file, tokenizer.currentLine, null, `the file is not UTF-8 text (an invalid byte sequence at byte ${at}); save it as UTF-8 CSV`);
}
