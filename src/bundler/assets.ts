// Files the plugin puts into a bundle (the wasm, the `files` option's files): content-hashed
// names, data: URLs for inlining, and the `files` option expanded to single files.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

/** a file to put in the output: `name` as imported (hello.wasm), `file` with its content hash */
export interface Asset { name: string; file: string; bytes: Uint8Array }

export function asset(name: string, bytes: Uint8Array): Asset {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  const dot = name.lastIndexOf('.');
  return { name, file: dot > 0 ? `${name.slice(0, dot)}-${hash}${name.slice(dot)}` : `${name}-${hash}`, bytes };
}

/** the MIME type an emitted file is served with (the wasm must be application/wasm for streaming) */
export function contentType(file: string): string {
  return /\.wasm$/.test(file) ? 'application/wasm' : 'application/octet-stream';
}

/** a JS string literal of a data: URL for an inlined file (fetch() decodes it in browsers and in Node) */
export function dataUrl(bytes: Uint8Array, type: string): string {
  return JSON.stringify(`data:${type};base64,${Buffer.from(bytes).toString('base64')}`);
}

/** `to` as a relative URL from the directory of `from` (both file paths) */
export function relativeUrl(from: string, to: string): string {
  const rel = relative(dirname(from), to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** One entry of the `files` option as [guest path, host file] pairs: a host directory (guest
 *  path ending in "/") gives all its files, sorted. Throws an Error saying what is wrong. */
export function expandFiles(guest: string, hostPath: string, root: string): [string, string][] {
  if (!guest.startsWith('/')) throw new Error('the guest path must be absolute');
  const host = resolve(root, hostPath);
  if (!statSync(host).isDirectory()) return [[guest.endsWith('/') ? `${guest}${basename(host)}` : guest, host]];
  if (!guest.endsWith('/')) throw new Error(`${hostPath} is a directory: its guest path must end in "/"`);
  return readdirSync(host, { recursive: true, encoding: 'utf8' }).sort()
    .filter((rel) => statSync(join(host, rel)).isFile())
    .map((rel) => [`${guest}${rel.split(sep).join('/')}`, join(host, rel)]);
}

