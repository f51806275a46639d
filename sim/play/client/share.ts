// The scenario in the page's URL: the fragment `#y=` holds the YAML text
// deflated (CompressionStream, 'deflate-raw') and base64url-encoded, with the
// file label it is located under, so a link reopens the same scenario and
// nothing leaves the machine (a fragment is never sent anywhere). `#s=NAME`
// opens a bundled scenario by name (the report's "open in playground" links).

/** What a fragment names. */
export type Shared = { kind: 'text'; label: string; text: string } | { kind: 'bundled'; name: string } | { kind: 'none' };

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** The fragment (without '#') that carries this text and label. */
export async function encodeFragment(label: string, text: string): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify({ l: label, t: text }));
  return `y=${toBase64Url(await pipe(payload, new CompressionStream('deflate-raw')))}`;
}

/** What a fragment (with or without '#') names; a damaged `y=` is an Error saying so. */
export async function decodeFragment(fragment: string): Promise<Shared> {
  const f = fragment.replace(/^#/, '');
  if (f.startsWith('s=')) return { kind: 'bundled', name: decodeURIComponent(f.slice(2)) };
  if (!f.startsWith('y=')) return { kind: 'none' };
  let parsed: unknown;
  try {
    const bytes = await pipe(fromBase64Url(f.slice(2)), new DecompressionStream('deflate-raw'));
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('the link\'s scenario (#y=...) is damaged: it does not decompress; was it cut short?');
  }
  const o = parsed as { l?: unknown; t?: unknown };
  if (typeof o.l !== 'string' || typeof o.t !== 'string') throw new Error('the link\'s scenario (#y=...) is not one this page wrote');
  return { kind: 'text', label: o.l, text: o.t };
}
