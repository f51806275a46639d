// Reading a scenario's bytes, whatever the path names: a regular file, a
// pipe or named FIFO (process substitution `<(cmd)`, `/dev/stdin`), or a
// device. Refuses what cannot be a scenario with one line naming the file:
// a directory, an oversized file, a stream that delivers nothing for
// STREAM_IDLE_MS, and text that is not UTF-8 (UTF-16 is named as such).
//
// A FIFO is opened without blocking and read by polling, so a named FIFO no
// writer ever opens, or a pipe whose writer never writes, ends in a message
// instead of a hang; the wait restarts whenever bytes arrive.
import { closeSync, constants, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import { MAX_SCENARIO_BYTES, refuseOversized } from './hostile.ts';

/** How long a stream may deliver nothing before the read gives up. */
export const STREAM_IDLE_MS = 10_000;
/** Poll interval while a stream has nothing to read. */
const POLL_MS = 10;

/** Reads a scenario file as UTF-8 text; InputError (exit 2) for anything that is not one. */
export function readScenarioText(file: string, idleMs = STREAM_IDLE_MS): string {
  let bytes: Buffer;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputError(`${file}: cannot read scenario: it is a directory`);
    refuseOversized(st.size, file);
    if (st.isFile()) bytes = readFileSync(file);
    else if (st.isFIFO()) bytes = readStream(file, idleMs);
    // A device (/dev/zero, a terminal) has no size: read at most one byte past the limit.
    else bytes = readBounded(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot read scenario: ${readFailure(e)}`);
  }
  return decodeUtf8(bytes, file);
}

function readBounded(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(64 * 1024);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > MAX_SCENARIO_BYTES) refuseOversized(total, file);
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => void Atomics.wait(sleeper, 0, 0, ms);

/**
 * Reads a pipe or FIFO to its end without blocking. Linux reports "no writer
 * yet" and "the writer closed" alike (a read of 0 bytes), so before the first
 * byte a 0 keeps waiting; after it, 0 is the end.
 */
function readStream(file: string, idleMs: number): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    let idle = 0;
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        n = -1; // a writer is there, with nothing written yet
      }
      if (n > 0) {
        chunks.push(Buffer.from(buf.subarray(0, n)));
        total += n;
        if (total > MAX_SCENARIO_BYTES) refuseOversized(total, file);
        idle = 0;
        continue;
      }
      if (n === 0 && total > 0) break;
      if (idle >= idleMs) {
        const what = total > 0 ? `the stream stopped after ${total} bytes and was not closed` : n === 0 ? 'no writer opened it' : 'nothing was written to it';
        throw new InputError(`${file}: cannot read scenario: nothing arrived for ${idleMs / 1000} s (${what}); write the scenario to it, or name a file`);
      }
      sleep(POLL_MS);
      idle += POLL_MS;
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/** The text of `bytes` as UTF-8, or one message saying what encoding it is instead. */
export function decodeUtf8(bytes: Buffer, file: string): string {
  const utf16 = utf16Kind(bytes);
  if (utf16) throw new InputError(`${file}: cannot read scenario: the file is UTF-16 (${utf16}); repsim reads UTF-8 (convert it, e.g. iconv -f UTF-16 -t UTF-8)`);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, at);
    const line = before.filter((b) => b === 0x0a).length + 1;
    const col = at - (before.lastIndexOf(0x0a) + 1) + 1;
    throw new InputError(
      `${file}:${line}:${col}: cannot read scenario: byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} is not UTF-8; repsim reads UTF-8 (the file may be Latin-1 or another encoding: convert it, e.g. iconv -f LATIN1 -t UTF-8)`,
    );
  }
}

/** 'little-endian' or 'big-endian' for UTF-16 text (a byte-order mark, or NUL bytes beside ASCII), else undefined. */
function utf16Kind(b: Buffer): string | undefined {
  if (b[0] === 0xff && b[1] === 0xfe) return 'little-endian, with a byte-order mark';
  if (b[0] === 0xfe && b[1] === 0xff) return 'big-endian, with a byte-order mark';
  // Without a mark: ASCII text in UTF-16 has a NUL in every other byte.
  const n = Math.min(b.length, 512) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) even++;
    if (b[i + 1] === 0) odd++;
  }
  const half = n / 2;
  if (odd > 0.9 * half && even === 0) return 'little-endian';
  if (even > 0.9 * half && odd === 0) return 'big-endian';
  return undefined;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    const need = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return Math.max(0, b.length - 1);
}

function readFailure(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return e instanceof Error ? e.message : String(e);
}
