// The program API (src/program): createProgram(name, source).run(options) with the in-memory
// file system, captured and streamed stdio, on the caller's thread and in a worker_threads
// worker, compared with the qemu-recorded expectations of the fixture programs.
import { MODULE_ABI } from '../../src/abi.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TranslationMeta } from '../../src/meta.ts';
import { createProgram, ProgramError, type ElfProgram, type RunResult, type WorkerLike } from '../../src/program/index.ts';
import { OutputSink } from '../../src/program/stdio.ts';
import { translate } from '../../src/translate.ts';
import { expectedOf, FIXTURES } from '../helpers/run-fixture.ts';
import { nodeWorker, tsWorker } from '../helpers/ts-worker.ts';
import { MEMORY_MODULE } from '../helpers/runtime-fixtures.ts';

interface Case { name: string; prog: string; args?: string[]; stdin?: string; env?: Record<string, string>; files?: Record<string, string> }
const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];
const caseOf = (name: string): Case => cases.find((c) => c.name === name)!;

const BUILD = 'progs-musl-O2';
let helloWasm: Uint8Array;
let progsWasm: Uint8Array;
let hello: ElfProgram;
let progs: ElfProgram;
let work: string;

beforeAll(() => {
  // optimize 0: the program API is under test here (programs.test.ts runs the default level)
  helloWasm = translate(readFileSync(join(FIXTURES, 'bin/hello-musl')), { optimize: 0 }).wasm;
  progsWasm = translate(readFileSync(join(FIXTURES, 'bin', BUILD)), { optimize: 0 }).wasm;
  hello = createProgram('hello', { bytes: helloWasm });
  progs = createProgram('progs', { bytes: progsWasm });
  work = mkdtempSync(join(tmpdir(), 'elf2wasm-program-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const outcome = (r: RunResult): { stdout: string; stderr: string; status: number } => ({ stdout: r.stdout, stderr: r.stderr, status: r.exitCode });
const runCase = (c: Case, extra: Parameters<ElfProgram['run']>[0] = {}): Promise<RunResult> =>
  progs.run({ args: [c.prog, ...(c.args ?? [])], env: c.env, stdin: c.stdin, ...extra });
const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

/** what fileio leaves in stdio.txt when it cannot rename it away */
const STDIO_TXT = Array.from({ length: 50 }, (_, i) => `line ${String(i).padStart(2, '0')} value ${i * i}\n`).join('') + 'appended by stdio\n';


describe('createProgram: runs on the caller thread', () => {
  it('hello world prints what qemu recorded', async () => {
    expect(outcome(await hello.run())).toEqual(expectedOf('hello-musl', 'noargs'));
    expect(outcome(await hello.run({ args: ['one', 'two three'] }))).toEqual(expectedOf('hello-musl', 'args'));
  });

  it('passes argv and exactly the given environment', async () => {
    for (const name of ['argsenv', 'argsenv-empty', 'argsenv-many']) {
      expect(outcome(await runCase(caseOf(name)))).toEqual(expectedOf(BUILD, name));
    }
  });

  it('feeds stdin from a string or bytes', async () => {
    const c = caseOf('wc-text');
    expect(outcome(await runCase(c))).toEqual(expectedOf(BUILD, 'wc-text'));
    expect(outcome(await runCase(c, { stdin: new TextEncoder().encode(c.stdin) }))).toEqual(expectedOf(BUILD, 'wc-text'));
    expect(outcome(await runCase(caseOf('wc-empty')))).toEqual(expectedOf(BUILD, 'wc-empty'));
    expect(outcome(await runCase(caseOf('filter-cat')))).toEqual(expectedOf(BUILD, 'filter-cat'));
  });

  it('exit statuses and stderr', async () => {
    for (const name of ['exitcode-code300', 'exitcode-atexit', 'signals-die', 'stdmix-perror', 'unknown-program']) {
      expect(outcome(await runCase(caseOf(name)))).toEqual(expectedOf(BUILD, name));
    }
  });

  it('fileio in a directory of the in-memory file system behaves as on Linux', async () => {
    const r = await progs.run({ args: ['fileio', '/tmp/work'], files: { '/tmp/work/': '' } });
    expect(outcome(r)).toEqual(expectedOf(BUILD, 'fileio'));
    expect(r.files).toEqual({}); // fileio removes everything it creates
    // a relative directory, resolved against cwd (created on demand)
    const rel = await progs.run({ args: ['fileio', 'work'], cwd: '/home/user', files: { '/home/user/work/': '' } });
    expect(outcome(rel)).toEqual(expectedOf(BUILD, 'fileio'));
    expect(outcome(await progs.run({ args: ['fileio', '/nonexistent-fixture-dir/sub'] }))).toEqual(expectedOf(BUILD, 'fileio-missing-dir'));
  });

  it('files written by the guest appear in result.files; given files are copied, not changed', async () => {
    // a non-empty directory named renamed.txt makes fileio's rename fail, so stdio.txt stays
    const keep = new Uint8Array([1, 2, 3]);
    const r = await progs.run({ args: ['fileio', '/w'], files: { '/w/renamed.txt/keep': keep, '/etc/motd': 'welcome\n' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('FAILED: rename');
    expect(Object.keys(r.files!).sort()).toEqual(['/etc/motd', '/w/renamed.txt/keep', '/w/stdio.txt']);
    expect(text(r.files!['/w/stdio.txt'])).toBe(STDIO_TXT);
    expect(text(r.files!['/etc/motd'])).toBe('welcome\n');
    expect([...r.files!['/w/renamed.txt/keep']!]).toEqual([1, 2, 3]);
    r.files!['/w/renamed.txt/keep']![0] = 9;
    expect([...keep]).toEqual([1, 2, 3]);
  });

  it('streams stdout and stderr in the order the guest writes them', async () => {
    const log: [1 | 2, string][] = [];
    const r = await runCase(caseOf('stdmix-flush'), { onStdout: (t) => log.push([1, t]), onStderr: (t) => log.push([2, t]) });
    expect(outcome(r)).toEqual(expectedOf(BUILD, 'stdmix-flush'));
    expect(log.filter(([fd]) => fd === 1).map(([, t]) => t).join('')).toBe(r.stdout);
    expect(log.filter(([fd]) => fd === 2).map(([, t]) => t).join('')).toBe(r.stderr);
    const merged: [number, string][] = [];
    for (const [fd, t] of log) {
      const last = merged[merged.length - 1];
      if (last && last[0] === fd) last[1] += t;
      else merged.push([fd, t]);
    }
    const want: [number, string][] = [];
    for (let i = 1; i <= 5; i++) want.push([1, `out ${i}${i % 2 ? ' (odd)' : ''}\n`], [2, `err ${i}\n`]);
    want.push([1, 'partial out line '], [2, 'then err\n'], [1, 'end out\n']);
    expect(merged).toEqual(want);
  });

  it('never splits a UTF-8 sequence across callbacks', () => {
    const got: string[] = [];
    const sink = new OutputSink((t) => got.push(t));
    const bytes = new TextEncoder().encode('aü✓😀');
    for (const b of bytes) sink.fd.fd_write(new Uint8Array([b]));
    sink.fd.fd_write(new Uint8Array([0xe2, 0x9c])); // an incomplete sequence at the end
    const { text, bytes: all } = sink.finish();
    expect(text).toBe('aü✓😀\ufffd');
    expect(all).toEqual(new Uint8Array([...bytes, 0xe2, 0x9c])); // the bytes as written
    expect(got).toEqual(['a', 'ü', '✓', '😀', '\ufffd']);
  });

  it('each run is a fresh process: no memory, environment or file state carries over', async () => {
    const a = await runCase(caseOf('argsenv'));
    const b = await runCase(caseOf('argsenv-empty'));
    expect(outcome(b)).toEqual(expectedOf(BUILD, 'argsenv-empty'));
    expect(outcome(a)).toEqual(expectedOf(BUILD, 'argsenv'));
    const first = await progs.run({ args: ['fileio', '/w'], files: { '/w/renamed.txt/keep': '' } });
    expect(first.files!['/w/stdio.txt']).toBeDefined();
    const second = await progs.run({ args: ['fileio', '/w'], files: { '/w/': '' } });
    expect(outcome(second)).toEqual(expectedOf(BUILD, 'fileio'));
    // concurrent runs of one program
    const [x, y] = await Promise.all([runCase(caseOf('wc-text')), runCase(caseOf('argsenv-many'))]);
    expect(outcome(x)).toEqual(expectedOf(BUILD, 'wc-text'));
    expect(outcome(y)).toEqual(expectedOf(BUILD, 'argsenv-many'));
  });

  it('compiles once per program, from bytes, load(), a data: URL or a file: URL', async () => {
    const spy = vi.spyOn(WebAssembly, 'compile');
    try {
      const p = createProgram('hello', { load: async () => helloWasm });
      const m = await p.compile();
      await p.run();
      expect(await p.compile()).toBe(m);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    const file = join(work, 'hello.wasm');
    writeFileSync(file, helloWasm);
    const expected = expectedOf('hello-musl', 'noargs');
    expect(outcome(await createProgram('hello', { url: pathToFileURL(file) }).run())).toEqual(expected);
    const dataUrl = `data:application/wasm;base64,${Buffer.from(helloWasm).toString('base64')}`;
    expect(outcome(await createProgram('hello', { url: dataUrl }).run())).toEqual(expected);
    const module = await WebAssembly.compile(helloWasm as Uint8Array<ArrayBuffer>);
    expect(outcome(await createProgram('hello', { module }).run())).toEqual(expected);
  });
});

// Hand-made modules: `run` faults (memory access out of bounds), or has no metadata section.
const wasmModule = (code: number[]): Uint8Array => new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type () -> ()
  0x03, 0x02, 0x01, 0x00, // one function
  0x05, 0x03, 0x01, 0x00, 0x01, // memory, min 1 page
  0x07, 0x10, 0x02, 0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00, 0x03, ...new TextEncoder().encode('run'), 0x00, 0x00,
  0x0a, code.length + 3, 0x01, code.length + 1, 0x00, ...code,
]);
const FAULTING = wasmModule([0x41, 0x7f, 0x28, 0x02, 0x00, 0x1a, 0x0b]); // i32.load from -1
const META: TranslationMeta = {
  version: 'test', abi: MODULE_ABI, arch: 'aarch64', insnAlignLog2: 2, code: [], callDepthLimit: 2000, entry: 0x401000, phdrAddr: 0x400040, phent: 56, phnum: 1,
  imageStart: 0x10000, imageEnd: 0x11000, privateEnd: 0x20000, protect: 'none', pageTable: 0, lowEnd: 0x10000, segments: [[0x10000, 0x11000, 7]], symbols: [[0x401000, 'main']],
  stats: { functions: 1, instructions: 0, blocks: 0, wasmBytes: 0 },
};

describe('createProgram: errors', () => {
  const failure = async (p: Promise<unknown>): Promise<ProgramError> => {
    const e = await p.then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ProgramError);
    return e as ProgramError;
  };

  it('rejects a missing source, bad bytes, a foreign module and missing metadata', async () => {
    expect((await failure(createProgram('x', {}).run())).code).toBe('NO_SOURCE');
    const bad = await failure(createProgram('x', { bytes: new Uint8Array([1, 2, 3, 4]) }).run());
    expect(bad.code).toBe('BAD_MODULE');
    expect(bad.message).toMatch(/^elf program "x": not a valid WebAssembly module/);
    const foreign = await failure(createProgram('x', { bytes: MEMORY_MODULE }).run());
    expect(foreign.message).toBe('elf program "x": not a translated program (it does not export `memory` and `run`)');
    const noMeta = await failure(createProgram('x', { bytes: FAULTING }).run());
    expect(noMeta.code).toBe('NO_META');
    expect((await failure(createProgram('x', { url: pathToFileURL(join(work, 'missing.wasm')) }).run())).code).toBe('LOAD_FAILED');
  });

  it('rejects a library URL that is not a library translation, and a relative library path', async () => {
    const file = join(work, 'hello.wasm');
    writeFileSync(file, helloWasm);
    const notLib = await failure(createProgram('x', { bytes: helloWasm, libraries: { '/lib/libc.so.6': pathToFileURL(file) } }).run());
    expect(notLib.code).toBe('BAD_MODULE');
    expect(notLib.message).toBe(`elf program "x": libraries: ${pathToFileURL(file).href} is not a shared library's translation (no library metadata)`);
    await expect(createProgram('x', { bytes: helloWasm, libraries: { 'libc.so.6': pathToFileURL(file) } }).run()).rejects.toThrow('createProgram("x"): libraries: "libc.so.6" is not an absolute guest path');
  });

  it('a failed load is retried by the next run', async () => {
    let calls = 0;
    const p = createProgram('hello', { load: async () => (calls++ ? helloWasm : Promise.reject(new Error('offline'))) });
    expect((await failure(p.run())).message).toBe('elf program "hello": load() failed: offline');
    expect((await p.run()).exitCode).toBe(0);
  });

  it('a guest fault ends the run with 139 and a message on stderr', async () => {
    const r = await createProgram('fault', { bytes: FAULTING, meta: META }).run();
    expect(r.exitCode).toBe(139);
    expect(r.stderr).toMatch(/^elf2wasm: guest fault: memory access out of bounds/);
  });

  it('returning from run() is an internal error (70)', async () => {
    const r = await createProgram('ret', { bytes: wasmModule([0x0b]), meta: META }).run();
    expect(r.exitCode).toBe(70);
    expect(r.stderr).toMatch(/^elf2wasm: internal error: run\(\) returned/);
  });
});

describe('createProgram: worker mode (worker_threads)', () => {
  it('gives the same results as the caller thread, with streaming', async () => {
    for (const name of ['wc-text', 'argsenv', 'exitcode-code300', 'stdmix-flush']) {
      const c = caseOf(name);
      const log: [1 | 2, string][] = [];
      const r = await runCase(c, { worker: nodeWorker, onStdout: (t) => log.push([1, t]), onStderr: (t) => log.push([2, t]) });
      expect(outcome(r)).toEqual(expectedOf(BUILD, name));
      expect(log.filter(([fd]) => fd === 1).map(([, t]) => t).join('')).toBe(r.stdout);
      expect(log.filter(([fd]) => fd === 2).map(([, t]) => t).join('')).toBe(r.stderr);
    }
  });

  it('files go to the worker and come back', async () => {
    const p = createProgram('progs', { bytes: progsWasm, worker: nodeWorker });
    const r = await p.run({ args: ['fileio', '/w'], files: { '/w/renamed.txt/keep': 'k' }, worker: true });
    expect(r.exitCode).toBe(0);
    expect(text(r.files!['/w/stdio.txt'])).toBe(STDIO_TXT);
    expect(outcome(await p.run({ args: ['fileio', '/tmp/work'], files: { '/tmp/work/': '' }, worker: true }))).toEqual(expectedOf(BUILD, 'fileio'));
  });

  it('a long-lived worker serves several runs, also concurrently', async () => {
    const worker = nodeWorker();
    try {
      const runs = ['argsenv', 'wc-text', 'argsenv-empty'].map((n) => runCase(caseOf(n), { worker }));
      const results = await Promise.all(runs);
      expect(results.map(outcome)).toEqual(['argsenv', 'wc-text', 'argsenv-empty'].map((n) => expectedOf(BUILD, n)));
      expect(outcome(await hello.run({ worker }))).toEqual(expectedOf('hello-musl', 'noargs'));
    } finally {
      await worker.terminate();
    }
  });

  it('guest faults and a worker that fails to start', async () => {
    const r = await createProgram('fault', { bytes: FAULTING, meta: META }).run({ worker: nodeWorker });
    expect(r.exitCode).toBe(139);
    expect(r.stderr).toMatch(/^elf2wasm: guest fault: memory access out of bounds/);
    const broken = (): WorkerLike => tsWorker(new URL('./no-such-worker.ts', import.meta.url));
    const e = await hello.run({ worker: broken }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ProgramError);
    expect((e as ProgramError).code).toBe('WORKER_FAILED');
  });
});

describe('createProgram: bundled files (fileUrls)', () => {
  const c = caseOf('catfiles') as Case & { files: Record<string, string> };
  const urls = (): Record<string, string> => {
    // data: URLs, and one file: URL (read from disk under Node)
    const out = Object.fromEntries(Object.entries(c.files).map(([p, t]) => [`/work/${p}`, `data:text/plain;base64,${Buffer.from(t).toString('base64')}`]));
    const words = join(work, 'words.txt');
    writeFileSync(words, c.files['data/words.txt']!);
    out['/work/data/words.txt'] = pathToFileURL(words).href;
    return out;
  };

  it('every run sees them, on the caller thread and in a worker', async () => {
    const p = createProgram('progs', { bytes: progsWasm, fileUrls: urls() });
    for (const worker of [false, nodeWorker]) {
      expect(outcome(await p.run({ args: [c.prog, ...(c.args ?? [])], cwd: '/work', worker }))).toEqual(expectedOf(BUILD, 'catfiles'));
    }
  });

  it("a run's own files are laid over them, and no run changes them for the next", async () => {
    const p = createProgram('progs', { bytes: progsWasm, fileUrls: urls() });
    const r = await p.run({ args: ['fileio', '/work/data'], files: { '/work/data/words.txt': 'mine\n' } });
    expect(r.exitCode).toBe(0);
    expect(text(r.files!['/work/data/words.txt'])).toBe('mine\n');
    expect(text(r.files!['/work/data/sub/deep.txt'])).toBe(c.files['data/sub/deep.txt']);
    expect(outcome(await p.run({ args: [c.prog, ...(c.args ?? [])], cwd: '/work' }))).toEqual(expectedOf(BUILD, 'catfiles'));
  });

  it('a file that cannot be fetched fails the run with LOAD_FAILED naming its URL', async () => {
    const p = createProgram('progs', { bytes: progsWasm, fileUrls: { '/x': pathToFileURL(join(work, 'missing')).href } });
    const e = await p.run().then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ProgramError);
    expect((e as ProgramError).code).toBe('LOAD_FAILED');
    expect((e as ProgramError).message).toMatch(/cannot load file:.*\/missing: ENOENT/);
  });
});

describe('createProgram: cancelling a run (signal)', () => {
  it('an aborted signal stops a run before it starts', async () => {
    const reason = new Error('not now');
    for (const worker of [false, nodeWorker]) {
      await expect(hello.run({ signal: AbortSignal.abort(reason), worker })).rejects.toBe(reason);
    }
  });

  it('aborting a worker run terminates its worker and rejects with the reason', async () => {
    const worker = nodeWorker();
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const controller = new AbortController();
    const reason = new Error('stop');
    // abort at the first output: the program is still running (intmath prints more than a buffer)
    const run = runCase(caseOf('intmath'), { worker, signal: controller.signal, onStdout: () => controller.abort(reason) });
    await expect(run).rejects.toBe(reason);
    expect(typeof (await exited)).toBe('number');
  });
});

describe('createProgram: code the build did not translate', () => {
  const lift = JSON.parse(readFileSync(join(FIXTURES, 'lift/expected.json'), 'utf8')) as Record<string, { stdout: string; status: number }>;
  const hiddenWasm = () => translate(readFileSync(join(FIXTURES, 'lift/hidden')), { optimize: 0 }).wasm;

  it('is lifted on the caller thread with a lifter, and reported for learning builds', async () => {
    const p = createProgram('hidden', { bytes: hiddenWasm(), lifter: () => import('../../src/lift/runtime-lift.ts') });
    const r = await p.run({ args: ['x', 'y'] });
    expect({ stdout: r.stdout, exitCode: r.exitCode, stderr: r.stderr }).toEqual({ stdout: lift['hidden-3']!.stdout, exitCode: lift['hidden-3']!.status, stderr: '' });
    expect(r.lifted!.length).toBeGreaterThan(0);
  });

  it('is lifted in a worker (its entry loads the lifter itself)', async () => {
    const p = createProgram('hidden', { bytes: hiddenWasm() });
    // the built worker entry: it loads binaryen natively (through tsx that takes ~20 s of CPU)
    const r = await p.run({ args: ['x'], worker: () => new Worker(new URL('../../dist/worker.js', import.meta.url)) as unknown as WorkerLike });
    expect({ stdout: r.stdout, exitCode: r.exitCode }).toEqual({ stdout: lift['hidden-2']!.stdout, exitCode: lift['hidden-2']!.status });
  });

  it('without a lifter the jump is a SIGSEGV saying why', async () => {
    const r = await createProgram('hidden', { bytes: hiddenWasm() }).run({ args: ['x'] });
    expect(r.exitCode).toBe(139);
    expect(r.stderr).toMatch(/^elf2wasm: jump to untranslated address 0x[0-9a-f]+ .*run-time lifting is not available in this host/);
  });
});
