// End-to-end: small hand-assembled "translated programs" (importing linux.syscall/linux.trap,
// exporting memory and run) under runNode, and under runGuest with browser_wasi_shim.
import { MODULE_ABI } from '../../src/abi.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrapKind, type TranslationMeta } from '../../src/meta.ts';
import { runNode } from '../../src/node/run.ts';
import { runGuest } from '../../src/runtime/process.ts';
import type { WasiImports } from '../../src/runtime/wasi.ts';
import { ConsoleStdout, Directory, File, OpenFile, PreopenDirectory, WASI as ShimWASI } from '@bjorn3/browser_wasi_shim';
import { STATE } from '../../src/runtime/layout.ts';

// --- a tiny Wasm assembler -------------------------------------------------------------
const enc = new TextEncoder();
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (v: number | bigint): number[] => {
  let n = BigInt(v);
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && !(b & 0x40)) || (n === -1n && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const str = (s: string): number[] => [...uleb(enc.encode(s).length), ...enc.encode(s)];
const I32 = 0x7f;
const I64 = 0x7e;
const i64c = (v: number | bigint): number[] => [0x42, ...sleb(v)];
const i32c = (v: number): number[] => [0x41, ...sleb(v)];
const PC = 0x401000;

/** syscall(nr, args...) leaving the result on the stack; an argument may be code. */
function syscallKeep(nr: number, ...args: (number | bigint | number[])[]): number[] {
  const a = [...args, 0, 0, 0, 0, 0, 0].slice(0, 6);
  return [...i64c(nr), ...a.flatMap((x) => (Array.isArray(x) ? x : i64c(x))), ...i64c(PC), 0x10, 0];
}
const syscall = (nr: number, ...args: (number | bigint | number[])[]): number[] => [...syscallKeep(nr, ...args), 0x1a];
const setLocal = (i: number): number[] => [0x21, i];
const getLocal = (i: number): number[] => [0x20, i];

/** A module whose run() executes `code` (with `locals` i64 locals). */
function program(code: number[], data: [number, string][] = [], locals = 0): WebAssembly.Module {
  const types = vec([
    [0x60, ...vec(Array.from({ length: 8 }, () => [I64])), ...vec([[I64]])],
    [0x60, ...vec([[I32], [I64], [I64]]), ...vec([])],
    [0x60, 0, 0],
  ]);
  const imports = vec([
    [...str('linux'), ...str('syscall'), 0x00, 0],
    [...str('linux'), ...str('trap'), 0x00, 1],
  ]);
  const body = [...(locals ? [1, ...uleb(locals), I64] : [0]), ...code, 0x0b];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, vec([[2]])),
    ...section(5, vec([[0x01, ...uleb(2), ...uleb(65536)]])),
    ...section(7, vec([[...str('memory'), 0x02, 0], [...str('run'), 0x00, 2]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
    ...section(11, vec(data.map(([addr, s]) => [0x00, ...i32c(addr), 0x0b, ...str(s)]))),
  ];
  return new WebAssembly.Module(new Uint8Array(bytes));
}

const META: TranslationMeta = {
  version: 'test', abi: MODULE_ABI, arch: 'aarch64', insnAlignLog2: 2, code: [], callDepthLimit: 2000, entry: PC, phdrAddr: 0x400040, phent: 56, phnum: 1,
  imageStart: 0x10000, imageEnd: 0x11000, privateEnd: 0x20000, protect: 'none', pageTable: 0, lowEnd: 0x10000, segments: [[0x10000, 0x11000, 7]], symbols: [[PC, 'main']],
  stats: { functions: 1, instructions: 0, blocks: 0, wasmBytes: 0 },
};

// --- running with captured stdio -------------------------------------------------------
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elf2wasm-node-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let runs = 0;
async function run(mod: WebAssembly.Module, args = ['prog']): Promise<{ status: number; stdout: string; stderr: string }> {
  const out = path.join(dir, `out${runs}`);
  const err = path.join(dir, `err${runs++}`);
  const o = fs.openSync(out, 'w');
  const e = fs.openSync(err, 'w');
  try {
    const status = await runNode(mod, META, { args, env: { HOME: '/root' }, cwd: dir, execPath: '/bin/prog', stdout: o, stderr: e });
    return { status, stdout: fs.readFileSync(out, 'utf8'), stderr: fs.readFileSync(err, 'utf8') };
  } finally {
    fs.closeSync(o);
    fs.closeSync(e);
  }
}

const openFds = (): number => fs.readdirSync('/proc/self/fd').length;

describe('runNode', () => {
  it('runs a program that writes to stdout and exits', async () => {
    const mod = program([...syscall(64, 1, 0x10000, 6), ...syscall(94, 3)], [[0x10000, 'hello\n']]);
    expect(await run(mod)).toEqual({ status: 3, stdout: 'hello\n', stderr: '' });
  });

  it('passes argv on the initial stack (sp from the CPU state block)', async () => {
    // write(1, argv[1], 3) where argv[1] = *(u64 *)(sp + 16)
    const argv1 = [...i32c(STATE.sp), 0x29, 3, 0, 0xa7, 0x29, 3, 16];
    const mod = program([...syscall(64, 1, argv1, 3), ...syscall(93, 0)]);
    expect(await run(mod, ['prog', 'abc'])).toEqual({ status: 0, stdout: 'abc', stderr: '' });
  });

  it('reports a trap on stderr with the symbolised PC and exits with 128+SIGILL', async () => {
    const mod = program([...syscall(64, 1, 0x10000, 3), ...i32c(TrapKind.Unimplemented), ...i64c(PC + 16), ...i64c(0x4ea01c00), 0x10, 1], [[0x10000, 'hi\n']]);
    expect(await run(mod)).toEqual({ status: 132, stdout: 'hi\n', stderr: 'elf2wasm: unimplemented instruction at 0x401010 (main+16): encoding 0x4ea01c00\n' });
  });

  it('turns a Wasm memory fault into SIGSEGV', async () => {
    const mod = program([...i32c(-1), 0x28, 2, 0, 0x1a]);
    const r = await run(mod);
    expect(r.status).toBe(139);
    expect(r.stderr).toMatch(/^elf2wasm: guest fault: memory access out of bounds/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('ends silently with 134 when the program aborts (SIGABRT to itself)', async () => {
    const mod = program([...syscall(129, 1000, 6), ...syscall(93, 0)]);
    expect(await run(mod)).toEqual({ status: 134, stdout: '', stderr: '' });
  });

  it('reports run() returning as an internal error', async () => {
    const r = await run(program([]));
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/^elf2wasm: internal error: run\(\) returned/);
  });

  it('closes the files a program left open', async () => {
    fs.writeFileSync(path.join(dir, 'data'), 'x');
    const mod = program([...syscall(56, -100, 0x10000, 0), ...syscall(56, -100, 0x10000, 0), ...syscall(94, 0)], [[0x10000, 'data\0']]);
    await run(mod); // warm up node:wasi
    const before = openFds();
    for (let i = 0; i < 5; i++) expect((await run(mod)).status).toBe(0);
    expect(openFds()).toBe(before);
  });
});

describe('runGuest with browser_wasi_shim', () => {
  it('reads a file from an in-memory tree and writes it to the console', async () => {
    const lines: string[] = [];
    const makeWasi = (memory: WebAssembly.Memory): WasiImports => {
      const motd = new File(enc.encode('welcome\n'));
      const fds = [
        new OpenFile(new File([])),
        ConsoleStdout.lineBuffered((l) => lines.push(l)),
        ConsoleStdout.lineBuffered((l) => lines.push(`err: ${l}`)),
        new PreopenDirectory('/', new Map([['etc', new Directory([['motd', motd]])]])),
      ];
      const wasi = new ShimWASI([], [], fds, { debug: false });
      wasi.inst = { exports: { memory } } as unknown as typeof wasi.inst;
      return wasi.wasiImport as WasiImports;
    };
    // fd = openat(AT_FDCWD, "motd" relative to cwd /etc); n = read(fd, buf, 100); write(1, buf, n)
    const code = [
      ...syscallKeep(56, -100, 0x10000, 0), ...setLocal(0),
      ...syscallKeep(63, getLocal(0), 0x10100, 100), ...setLocal(1),
      ...syscall(64, 1, 0x10100, getLocal(1)),
      ...syscall(56, -100, 0x10010, 0), // a missing file: -ENOENT, ignored
      ...syscall(94, 0),
    ];
    const mod = program(code, [[0x10000, 'motd\0'], [0x10010, 'nope\0']], 2);
    const status = await runGuest(mod, META, { args: ['prog'], env: {}, cwd: '/etc', execPath: '/bin/prog', makeWasi });
    expect(status).toBe(0);
    expect(lines).toEqual(['welcome']);
  });
});
