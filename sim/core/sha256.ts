// SHA-256 for the two hashes a run's identity rests on: the scenario's
// content hash and the replay key. From @noble/hashes (audited, no
// dependencies, plain JavaScript) rather than node:crypto, so the loader and
// the run assembly run unchanged in a browser (the playground);
// test/core/sha256.test.ts holds it to node:crypto's digests byte for byte.
// Strings are hashed as UTF-8, as node's `hash.update(string)` does.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const encoder = new TextEncoder();

/** An incremental SHA-256 of UTF-8 text. */
export class Sha256 {
  private readonly h = sha256.create();

  update(text: string): this {
    this.h.update(encoder.encode(text));
    return this;
  }

  /** The digest as 64 lowercase hex digits. */
  hex(): string {
    return bytesToHex(this.h.digest());
  }
}

/** The SHA-256 digest of `text` (UTF-8) as hex. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(encoder.encode(text)));
}

/** UTF-8 length of a string in bytes. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
