// Shared by the runtime unit tests: a Guest over a memory-only module and real node:wasi, and
// syscalls made the way translated code makes them.
import { MODULE_ABI } from '../../src/abi.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WASI } from 'node:wasi';
import { afterAll, beforeAll } from 'vitest';
import type { TranslationMeta } from '../../src/meta.ts';
import { Guest, type GuestOptions } from '../../src/runtime/guest.ts';
import { syscallNumber } from '../../src/runtime/syscalls/names.ts';
import type { WasiImports } from '../../src/runtime/wasi.ts';

/** (module (memory (export "memory") 1 65536)) written out by hand */
export const MEMORY_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x05, 0x06, 0x01, 0x01, 0x01, 0x80, 0x80, 0x04, // memory section: 1 memory, has max, min 1, max 65536
  0x07, 0x0a, 0x01, 0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00, // export "memory" = memory 0
]);

export const META: TranslationMeta = {
  version: 'test', abi: MODULE_ABI, arch: 'aarch64', insnAlignLog2: 2, code: [], callDepthLimit: 2000, entry: 0x400000, phdrAddr: 0x400040, phent: 56, phnum: 1,
  imageStart: 0x10000, imageEnd: 0x10000, privateEnd: 0x10000, protect: 'none', pageTable: 0, lowEnd: 0x10000, segments: [], symbols: [],
  stats: { functions: 0, instructions: 0, blocks: 0, wasmBytes: 0 },
};

export interface GuestTestOptions extends Partial<GuestOptions> {
  stdout?: number;
  /** intercept the WASI imports (fault injection) */
  wrap?: (w: WasiImports) => WasiImports;
  /** the host directory the guest's "/" is (default: the host's /) */
  root?: string;
}

/** a started Guest over a memory-only module, with real node:wasi ("/", or opts.root, preopened) */
export function makeGuest(cwd: string, opts: GuestTestOptions = {}): Guest {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(MEMORY_MODULE), {});
  const wasi = new WASI({ version: 'preview1', preopens: { '/': opts.root ?? '/' }, returnOnExit: false, stdout: opts.stdout ?? 1 });
  wasi.initialize(instance);
  const memory = instance.exports.memory as WebAssembly.Memory;
  const imports = wasi.wasiImport as WasiImports;
  const g = new Guest(memory, META, opts.wrap ? opts.wrap(imports) : imports, { args: ['prog'], env: {}, cwd, execPath: '/usr/bin/prog', ...opts });
  g.start();
  return g;
}

type Arg = number | bigint;
/** a syscall by name, as the translated code makes it; returns the signed result */
/** For a test file: a temporary directory made before its tests (removed after them) and a
 *  makeGuest whose cwd is that directory. */
export function guestsInTempDir(): { makeGuest: (opts?: GuestTestOptions) => Guest; dir: () => string } {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elf2wasm-rt-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { makeGuest: (opts = {}) => makeGuest(dir, opts), dir: () => dir };
}

export function sys(g: Guest, name: string, ...args: Arg[]): number {
  const a = [...args, 0, 0, 0, 0, 0, 0].slice(0, 6).map((v) => BigInt.asUintN(64, BigInt(v)));
  const r = g.syscall(BigInt(syscallNumber(name)), a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, 0x400000n);
  return Number(BigInt.asIntN(64, r));
}

/** Guest scratch memory: one anonymous mapping per guest. */
export function scratch(g: Guest): { at: (off: number) => number; str: (off: number, s: string) => number; text: (off: number, n: number) => string } {
  const base = sys(g, 'mmap', 0, 1 << 20, 3, 0x22, -1, 0);
  return {
    at: (off) => base + off,
    str: (off, s) => (g.mem.writeCString(base + off, s), base + off),
    text: (off, n) => new TextDecoder().decode(g.mem.read(base + off, n)),
  };
}
