import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex, utf8Length } from '../../sim/core/sha256.ts';

describe('sha256', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('equals node:crypto on UTF-8 text of every length around the block edges, and when fed in parts', () => {
    for (let n = 0; n < 200; n++) {
      const s = 'é'.repeat(n % 7) + 'x'.repeat(n);
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s).digest('hex'));
    }
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 5 }), (parts) => {
        const mine = new Sha256();
        const theirs = createHash('sha256');
        for (const p of parts) {
          mine.update(p);
          theirs.update(p);
        }
        expect(mine.hex()).toBe(theirs.digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('counts UTF-8 bytes as Buffer.byteLength does', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a\u0000b']) expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });
});
