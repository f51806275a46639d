// Prints a value as `JSON.stringify(value, null, 2)` would, in pieces, so a
// long run's summary (per-second series: 86,400 points a series for a
// simulated day) never exists as one string. As one string, with the
// builder's copy of it, it costs about twice its size at the end of a run
// (about 95 MB for 24 simulated hours) on top of the summary itself; the
// caller writes the pieces as the output takes them (a pipe's writes queue
// in memory until the event loop runs, so it waits for `drain`).
//
// Same bytes as JSON.stringify for plain data (objects, arrays, strings,
// numbers, booleans, null; undefined and functions left out of objects and
// null in arrays): objects member by member, large arrays a chunk of
// elements at a time, everything else through JSON.stringify itself,
// re-indented (a JSON string never holds a raw newline, so every newline it
// prints is indentation). Values with a toJSON method are printed whole.

/** Arrays longer than this are printed in chunks of this many elements. */
const CHUNK = 1024;
/** Pieces are gathered up to about this many characters before one is yielded. */
const PIECE_CHARS = 1 << 16;

/** The text of JSON.stringify(value, null, 2), in consecutive pieces. */
export function* jsonPieces(value: unknown): Generator<string> {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') throw new Error('invariant: jsonPieces was given a value JSON cannot represent');
  let buf = '';
  for (const s of parts(value, '')) {
    buf += s;
    if (buf.length >= PIECE_CHARS) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

function whole(value: unknown, indent: string): string {
  const s = JSON.stringify(value, null, 2) as string;
  return indent === '' ? s : s.replace(/\n/g, `\n${indent}`);
}

/** The text of a value JSON.stringify prints at this place (not undefined, a function or a symbol). */
function* parts(value: unknown, indent: string): Generator<string> {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    yield whole(value, indent);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length <= CHUNK) {
      yield whole(value, indent);
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i += CHUNK) {
      // "[\n  A,\n  B\n]" of a chunk, without its brackets and last newline, re-indented.
      const chunk = JSON.stringify(value.slice(i, i + CHUNK), null, 2) as string;
      if (i > 0) yield ',';
      yield chunk.slice(1, -2).replace(/\n/g, `\n${indent}`);
    }
    yield `\n${indent}]`;
    return;
  }
  const inner = `${indent}  `;
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    yield first ? `{\n${inner}` : `,\n${inner}`;
    first = false;
    yield `${JSON.stringify(k)}: `;
    yield* parts(v, inner);
  }
  yield first ? '{}' : `\n${indent}}`;
}
