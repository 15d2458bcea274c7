// Real-binary tests (test/real/*.test.ts): Debian's arm64 busybox, bash and zsh and two drivers
// linked against Debian's static SQLite and Lua, fetched and built by scripts/debian-binaries.mjs
// into test/.debian/bin (never committed). Every case runs twice on the same binary with the same
// argv, environment, stdin and a fresh empty working directory: under qemu-aarch64 (the reference,
// at test time) and translated (at -O0 on worker threads once per test file, runNode in a worker thread);
// stdout, stderr and the exit status must be identical.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TranslationMeta } from '../../src/meta.ts';
import type { ProtectMode } from '../../src/translate-options.ts';
import { configureV8 } from '../../src/node/engine.ts';
import { META_SECTION, readJsonSection } from '../../src/wasm/custom-section.ts';
import { translateInChild } from './run-fixture.ts';
import type { RunLifts, WorkerInit, WorkerJob, WorkerReply } from '../real/run-worker.ts';

export const DEBIAN_BIN = resolve(import.meta.dirname, '../.debian/bin');
const WORKER = resolve(import.meta.dirname, '../real/run-worker.ts');

export interface RealCase {
  name: string;
  /** argv[1..] (argv[0] is the binary's path, as qemu-aarch64 passes it) */
  args: string[];
  /** the whole environment (default: empty) */
  env?: Record<string, string>;
  /** the whole of stdin, from a file (default: empty) */
  stdin?: string;
  /** files created in the fresh working directory before the run (relative paths) */
  files?: Record<string, string | Uint8Array>;
  /** a known runtime bug (not run-time lifting) makes this case differ from qemu: the test asserts
   *  that it still does (it.fails), so that fixing the bug shows up as a failure to update */
  knownBug?: string;
}

export interface Outcome { stdout: string; stderr: string; status: number }
interface RawOutcome { stdout: Buffer; stderr: Buffer; status: number }

/** The path of a fetched binary; throws (failing the test file) when it has not been fetched. */
export function realBinary(name: string): string {
  const path = join(DEBIAN_BIN, name);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`node scripts/debian-binaries.mjs\` first (it downloads Debian's arm64 ` +
      'busybox/bash/zsh-static and links the SQLite and Lua drivers; needs apt-get, dpkg and gcc-aarch64-linux-gnu; CI runs it)');
  }
  return path;
}

/** A fresh directory holding stdin, stdout, stderr and the case's working directory. */
function prepare(c: RealCase): { work: string; cwd: string; io: [string, string, string] } {
  const work = mkdtempSync(join(tmpdir(), 'elf2wasm-real-'));
  const cwd = join(work, 'cwd');
  mkdirSync(cwd);
  for (const [name, text] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(cwd, name)), { recursive: true });
    writeFileSync(join(cwd, name), text);
  }
  const io: [string, string, string] = [join(work, 'stdin'), join(work, 'stdout'), join(work, 'stderr')];
  writeFileSync(io[0], c.stdin ?? '');
  writeFileSync(io[1], '');
  writeFileSync(io[2], '');
  return { work, cwd, io };
}

function collect(work: string, io: [string, string, string], status: number, note = ''): RawOutcome {
  const stderr = readFileSync(io[2]);
  return { stdout: readFileSync(io[1]), stderr: note ? Buffer.concat([stderr, Buffer.from(note)]) : stderr, status };
}

/** Runs a case under qemu-aarch64; a signal N ends it with status 128+N, as a shell reports it. */
export async function runQemu(path: string, c: RealCase, timeoutMs: number): Promise<RawOutcome> {
  const { work, cwd, io } = prepare(c);
  const fds = [openSync(io[0], 'r'), openSync(io[1], 'w'), openSync(io[2], 'w')];
  try {
    const status = await new Promise<number>((res, rej) => {
      const child = spawn('qemu-aarch64', [path, ...c.args], { cwd, env: c.env ?? {}, stdio: fds });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        rej((e as NodeJS.ErrnoException).code === 'ENOENT' ? new Error('qemu-aarch64 not found: the real-binary tests need qemu-user (apt-get install qemu-user)') : e);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (signal === 'SIGKILL') rej(new Error(`qemu-aarch64 timed out after ${timeoutMs} ms on case ${c.name}`));
        else res(code ?? 128 + (signal ? constants.signals[signal] : 0));
      });
    });
    return collect(work, io, status);
  } finally {
    fds.forEach((fd) => closeSync(fd));
    rmSync(work, { recursive: true, force: true });
  }
}

const require = createRequire(import.meta.url);
/** a worker's start-up: tsx, the sources and the run-time lifter (slow on a loaded machine) */
const READY_TIMEOUT_MS = 300_000;

/** Worker threads running translated cases, each run bounded in time (the worker is replaced). */
class RunPool {
  private idle: Worker[] = [];
  private waiting: { res: (w: Worker) => void; rej: (e: unknown) => void }[] = [];
  private all = new Set<Worker>();
  private nextId = 1;

  constructor(private init: WorkerInit, private size: number) {}

  private spawn(): Promise<Worker> {
    const tsx = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(WORKER).href)}); })`;
    const w = new Worker(boot, { eval: true, stdout: false, stderr: false });
    w.unref();
    this.all.add(w);
    // ready once it has loaded the sources and the run-time lifter (see run-worker.ts)
    return new Promise((res, rej) => {
      const timer = setTimeout(() => fail(new Error(`worker not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      const fail = (e: Error): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', fail);
        w.off('exit', onExit);
        this.all.delete(w);
        void w.terminate();
        rej(e);
      };
      const onMessage = (m: WorkerReply): void => {
        if (!('ready' in m)) return;
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', fail);
        w.off('exit', onExit);
        res(w);
      };
      const onExit = (code: number): void => fail(new Error(`worker exited with code ${code} while starting`));
      w.on('message', onMessage);
      w.on('error', fail);
      w.on('exit', onExit);
      w.postMessage(this.init);
    });
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    if (this.all.size < this.size) return this.spawn();
    return new Promise((res, rej) => this.waiting.push({ res, rej }));
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next.res(w);
    else this.idle.push(w);
  }

  private replace(w: Worker): void {
    this.all.delete(w);
    void w.terminate();
    const next = this.waiting.shift();
    if (next) this.spawn().then(next.res, next.rej);
  }

  async run(job: Omit<WorkerJob, 'kind' | 'id'>, timeoutMs: number): Promise<{ status: number; lifts?: RunLifts } | { error: string }> {
    let w: Worker;
    try {
      w = await this.acquire();
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
    const id = this.nextId++;
    return new Promise((res) => {
      const done = (r: { status: number; lifts?: RunLifts } | { error: string }, healthy: boolean): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (healthy) this.release(w);
        else this.replace(w);
        res(r);
      };
      const onMessage = (m: WorkerReply): void => {
        if ('ready' in m || m.id !== id) return;
        done('status' in m ? { status: m.status, lifts: m.lifts } : { error: m.error }, 'status' in m);
      };
      const onError = (e: Error): void => done({ error: `worker error: ${e.stack ?? e.message}` }, false);
      const onExit = (code: number): void => done({ error: `worker exited with code ${code}` }, false);
      const timer = setTimeout(() => done({ error: `timed out after ${timeoutMs} ms` }, false), timeoutMs);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ kind: 'run', id, ...job } satisfies WorkerJob);
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((w) => w.terminate()));
    this.all.clear();
    this.idle = [];
  }
}

/** Runs a case translated; a host-side failure (an exception, a time-out) becomes status -1 and a
 *  line on stderr, so that the comparison with qemu shows it. */
async function runTranslated(pool: RunPool, path: string, c: RealCase, timeoutMs: number, lifts: LiftTally): Promise<RawOutcome> {
  const { work, cwd, io } = prepare(c);
  try {
    const r = await pool.run({ args: [path, ...c.args], env: c.env ?? {}, cwd, execPath: path, stdin: io[0], stdout: io[1], stderr: io[2] }, timeoutMs);
    if ('lifts' in r && r.lifts) lifts.add(r.lifts);
    return 'status' in r ? collect(work, io, r.status) : collect(work, io, -1, `[host: ${r.error}]\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** run-time lifting over a suite's runs (printed after the suite: what static discovery missed) */
class LiftTally {
  runs = 0;
  lifts = 0;
  instructions = 0;
  millis = 0;
  readonly entries = new Map<number, number>();

  add(l: RunLifts): void {
    this.runs++;
    this.lifts += l.lifts;
    this.instructions += l.instructions;
    this.millis += l.millis;
    for (const e of l.entries) this.entries.set(e, (this.entries.get(e) ?? 0) + 1);
  }

  summary(binary: string): string {
    const top = [...this.entries].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 40)
      .map(([pc, n]) => `0x${pc.toString(16)}${n > 1 ? `×${n}` : ''}`).join(' ');
    return `${binary}: run-time lifting in ${this.runs} runs: ${this.lifts} lifts, ${this.instructions} instructions, ` +
      `${Math.round(this.millis)} ms; ${this.entries.size} distinct entries${top ? ` (most frequent first): ${top}` : ''}`;
  }
}

export interface RealSuiteOptions {
  /** translated runs in flight at once (worker threads, each loading the run-time lifter; default 1:
   *  vitest already runs two test files at once on the two-core CI machine) */
  concurrency?: number;
  /** per-run limit for qemu and for the translated run (default 120 s) */
  timeoutMs?: number;
  /** other binaries the cases exec (by their absolute path), translated too */
  execs?: RealBinary[];
  /** false: run without run-time lifting, so that a case needing code the build did not translate fails */
  runtimeLift?: boolean;
  /** the translation's memory protection (default: the translator's) */
  protect?: ProtectMode;
}

export interface Translated { module: WebAssembly.Module; meta: TranslationMeta; millis: number; wasmBytes: number }

/** Translates a binary at -O0 on worker threads (the test worker's event loop stays free: see
 *  translateInChild) and compiles it (once per test file). */
export async function translateReal(path: string, protect?: ProtectMode): Promise<Translated> {
  const t0 = performance.now();
  const wasm = await translateInChild(readFileSync(path), { optimize: 0, protect });
  const millis = Math.round(performance.now() - t0);
  configureV8();
  const module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
  return { module, meta: readJsonSection<TranslationMeta>(module, META_SECTION)!, millis, wasmBytes: wasm.byteLength };
}

const text = (b: Buffer): string => b.toString('utf8');

/** A fetched binary's name in test/.debian/bin, or one a test makes itself (e.g. builds from C):
 *  `make` returns its path and is called before the suite's cases run (throwing fails them all). */
export type RealBinary = string | { name: string; make: () => string };

/**
 * One describe block: translates `binary` once, then compares every case with qemu. Fails (never
 * skips) when the binary has not been fetched or could not be made.
 */
export function realSuite(title: string, binary: RealBinary, cases: RealCase[], opts: RealSuiteOptions = {}): void {
  const name = typeof binary === 'string' ? binary : binary.name;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    names.add(c.name);
  }
  describe(title, () => {
    let path = '';
    let pool: RunPool | undefined;
    // a setup failure (binary not fetched, translation failed) fails every case with its message:
    // thrown from beforeAll it would only mark the cases skipped
    let setupError: unknown;
    beforeAll(async () => {
      try {
        path = typeof binary === 'string' ? realBinary(binary) : binary.make();
        const t = await translateReal(path, opts.protect);
        console.log(`${name}: translated at -O0 in ${(t.millis / 1000).toFixed(1)} s, ${(t.wasmBytes / 1e6).toFixed(1)} MB of Wasm, ` +
          `${t.meta.stats?.functions ?? '?'} functions, ${t.meta.stats?.instructions ?? '?'} instructions`);
        const execs: Record<string, { module: WebAssembly.Module; meta: TranslationMeta }> = {};
        for (const b of opts.execs ?? []) {
          const p = resolve(typeof b === 'string' ? realBinary(b) : b.make());
          const e = await translateReal(p, opts.protect);
          execs[p] = { module: e.module, meta: e.meta };
        }
        pool = new RunPool({ kind: 'init', module: t.module, meta: t.meta, execs, runtimeLift: opts.runtimeLift }, opts.concurrency ?? 1);
      } catch (e) {
        setupError = e;
      }
    }, 600_000);
    const lifts = new LiftTally();
    afterAll(async () => {
      await pool?.close();
      if (lifts.runs) console.log(lifts.summary(name));
    });
    for (const c of cases) {
      (c.knownBug ? it.concurrent.fails : it.concurrent)(c.knownBug ? `${c.name} — known bug: ${c.knownBug}` : c.name, async ({ expect }) => {
        if (setupError !== undefined) throw setupError;
        if (!pool) throw new Error(`${name}: set-up did not finish`);
        const [q, t] = await Promise.all([runQemu(path, c, timeoutMs), runTranslated(pool, path, c, timeoutMs, lifts)]);
        // the case's name in the message: vitest reports failures with one message once, for all
        expect({ stdout: text(t.stdout), stderr: text(t.stderr), status: t.status } satisfies Outcome, `${c.name}: translated vs qemu`)
          .toEqual({ stdout: text(q.stdout), stderr: text(q.stderr), status: q.status } satisfies Outcome);
        expect(t.stdout.equals(q.stdout) && t.stderr.equals(q.stderr), 'byte-identical output').toBe(true);
      }, READY_TIMEOUT_MS + timeoutMs * 6);
    }
  });
}

const BINFMT = '/proc/sys/fs/binfmt_misc/qemu-aarch64';

/** Without binfmt_misc, an exec under qemu runs the AArch64 file on the host kernel and fails:
 *  a reference recorded so would be wrong. */
export function requireBinfmt(): void {
  let entry = '';
  try {
    entry = readFileSync(BINFMT, 'utf8');
  } catch {
    // not registered
  }
  if (!/^enabled$/m.test(entry)) {
    throw new Error(`qemu-aarch64 is not registered with binfmt_misc (${BINFMT}): exec'd AArch64 children would not run ` +
      'under the reference; register it as ARCHITECTURE.md ("Toolchain") says');
  }
}
