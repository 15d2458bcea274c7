// The program API's streamed stdin (issue 8 item 6): run({ stdin }) takes an async iterable fed
// while the program runs; the guest reads it as a pipe, a read waiting until a chunk comes. On the
// caller's thread and in a worker (chunks cross by postMessage, no SharedArrayBuffer needed).
//  - chunked input gives the output qemu recorded for the same bytes given whole (fixtures);
//  - a chunk is fed only once the program has answered the one before: filter cat echoes each
//    line before the next exists, and stream.c (test/fixtures/stdin) shows what qemu-aarch64
//    shows with its stdin a pipe fed the same way: FIFO, ESPIPE, EAGAIN with O_NONBLOCK, poll,
//    a blocking read, a forked child reading the same stdin, EOF and POLLHUP;
//  - a stream that fails ends the run with a ProgramError; a run that ends first lets go of it.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram, ProgramError, type ElfProgram, type RunOptions, type RunResult } from '../../src/program/index.ts';
import { translate } from '../../src/translate.ts';
import { crossBuilder } from '../helpers/cross-build.ts';
import { fedHost, fedSteps, type FeedStep } from '../helpers/fed-stdin.ts';
import { signalStatus } from '../helpers/interrupted.ts';
import { realBinary } from '../helpers/real.ts';
import { expectedOf, FIXTURES, translateInChild } from '../helpers/run-fixture.ts';
import { nodeWorker } from '../helpers/ts-worker.ts';

interface Case { name: string; prog: string; args?: string[]; stdin?: string }
const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];
const caseOf = (name: string): Case => cases.find((c) => c.name === name)!;
const BUILD = 'progs-musl-O2';
const STREAM_SOURCE = resolve(import.meta.dirname, '../fixtures/stdin/stream.c');
const lifter = () => import('../../src/lift/runtime-lift.ts');

let progs: ElfProgram;
let stream: ElfProgram;
let streamElf: string;
const build = crossBuilder('stdin');

beforeAll(() => {
  // the lifter: a read that waited resumes after its svc, which the build did not see as an entry (runtime/kernel.ts)
  progs = createProgram('progs', { bytes: translate(readFileSync(join(FIXTURES, 'bin', BUILD)), { optimize: 0 }).wasm, lifter });
  streamElf = build('aarch64-linux-musl-gcc', STREAM_SOURCE, 'stream', ['-static', '-O2']);
  stream = createProgram('stream', { bytes: translate(readFileSync(streamElf), { optimize: 0 }).wasm, lifter });
});

const outcome = (r: RunResult): { stdout: string; stderr: string; status: number } => ({ stdout: r.stdout, stderr: r.stderr, status: r.exitCode });
const THREADS = [['on the caller thread', false], ['in a worker', true]] as const;
/** one worker serves every worker run: it loads the run-time lifter once */
let worker: Worker | undefined;
afterAll(() => worker?.terminate());

/** `bytes` in chunks of `size`, as bytes (a chunk may end inside a UTF-8 sequence) */
async function* byteChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) {
    await new Promise((resolve) => setTimeout(resolve, 0)); // each chunk comes later than the one before
    yield bytes.subarray(at, at + size);
  }
}

/** `text` as a ReadableStream of text chunks of `size` code units, with empty chunks between */
function textStream(text: string, size: number): ReadableStream<string> {
  let at = 0;
  return new ReadableStream<string>({
    pull(controller) {
      if (at >= text.length) return controller.close();
      controller.enqueue(text.slice(at, at + size));
      controller.enqueue('');
      at += size;
    },
  });
}

describe.each(THREADS)('streamed stdin %s', (_, inWorker) => {
  const run = (program: ElfProgram, options: RunOptions): Promise<RunResult> => program.run({ ...options, worker: inWorker ? (worker ??= nodeWorker()) : undefined });

  it('chunked input gives the output of the same bytes given whole (qemu-recorded)', async () => {
    for (const name of ['wc-text', 'wc-long', 'filter-cat-long', 'filter-number', 'filter-tac', 'filter-hex']) {
      const c = caseOf(name);
      const args = [c.prog, ...(c.args ?? [])];
      const bytes = new TextEncoder().encode(c.stdin);
      expect(outcome(await run(progs, { args, stdin: byteChunks(bytes, 97) })), `${name}, bytes`).toEqual(expectedOf(BUILD, name));
      expect(outcome(await run(progs, { args, stdin: textStream(c.stdin!, 40) })), `${name}, ReadableStream`).toEqual(expectedOf(BUILD, name));
    }
    // three bytes at a time splits every multi-byte sequence somewhere
    const c = caseOf('filter-cat');
    expect(outcome(await run(progs, { args: ['filter', 'cat'], stdin: byteChunks(new TextEncoder().encode(c.stdin), 3) }))).toEqual(expectedOf(BUILD, 'filter-cat'));
    // a ReadableStream that is not async iterable (Safari's) is read through its reader
    const readerOnly = textStream(c.stdin!, 5);
    const stdin = { getReader: () => readerOnly.getReader() } as unknown as ReadableStream<string>;
    expect(outcome(await run(progs, { args: ['filter', 'cat'], stdin }))).toEqual(expectedOf(BUILD, 'filter-cat'));
  });

  it('an iteration that ends at once is an empty stdin', async () => {
    expect(outcome(await run(progs, { args: ['wc'], stdin: byteChunks(new Uint8Array(0), 1) }))).toEqual(expectedOf(BUILD, 'wc-empty'));
  });

  it('each line is answered before the next one exists: the read waits and resumes', async () => {
    // filter cat echoes what each read(2) returns; a line is fed once the one before shows on onStdout
    const c = caseOf('filter-cat');
    const lines = c.stdin!.split(/(?<=\n)/);
    const steps: FeedStep[] = lines.map((line, i) => ({ after: i === 0 ? '' : lines[i - 1]!, send: line }));
    steps.push({ after: lines.at(-1)!, send: null });
    let out = '';
    const r = await run(progs, { args: ['filter', 'cat'], stdin: fedSteps(steps, () => out), onStdout: (t) => { out += t; } });
    expect(outcome(r)).toEqual(expectedOf(BUILD, 'filter-cat'));
  });

  it('a pipe fed while the program runs, as qemu-aarch64 shows it: ESPIPE, EAGAIN, poll, fork, EOF', async () => {
    const steps: FeedStep[] = [
      { after: 'ready\n', send: 'one\n' },
      { after: 'child waits\n', send: 'two, for the child\n' },
      { after: 'rest\n', send: 'three\n' },
      { after: '', send: new Uint8Array(100_000).fill(0x41) }, // more than a pipe holds
      { after: '', send: null },
    ];
    const expected = await fedHost('qemu-aarch64', [streamElf], steps, { cwd: dirname(streamElf) });
    expect(expected.stdout).toContain('child read 19: two, for the child\n');
    let out = '';
    const r = await run(stream, { stdin: fedSteps(steps, () => out), onStdout: (t) => { out += t; } });
    expect(outcome(r)).toEqual(expected);
  });

  it('a stream that fails ends the run with a ProgramError', async () => {
    let out = '';
    async function* failing(): AsyncGenerator<string | Uint8Array> {
      yield* fedSteps([{ after: 'ready\n', send: 'one\n' }, { after: 'child waits\n', send: null }], () => out);
      throw new Error('the feed broke');
    }
    const r = run(stream, { stdin: failing(), onStdout: (t) => { out += t; } });
    await expect(r).rejects.toThrow(ProgramError);
    await expect(r).rejects.toMatchObject({ code: 'STDIN_FAILED', message: expect.stringContaining('the feed broke') });
    expect(out).toContain('child waits\n');
    // a chunk that is neither text nor bytes is the stream's failure too
    const bad = run(progs, { args: ['wc'], stdin: (async function* () { yield 42 as unknown as string; })() });
    await expect(bad).rejects.toMatchObject({ code: 'STDIN_FAILED', message: expect.stringContaining('not number') });
  });

  it('kill reaches a program that waits for stdin', async () => {
    let out = '', release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    async function* silent(): AsyncGenerator<string> { await held; } // no input until the run is over
    const running = stream.run({
      worker: inWorker ? (worker ??= nodeWorker()) : undefined,
      stdin: silent(),
      onStdout: (t) => {
        out += t;
        if (out.endsWith('ready\n')) setTimeout(() => running.kill('SIGTERM'), 50);
      },
    });
    await expect(running).resolves.toMatchObject({ exitCode: signalStatus('SIGTERM'), stdout: expect.stringMatching(/ready\n$/) });
    release();
  });

  it('a run that ends before its stdin lets go of the iteration', async () => {
    let released = false;
    let pulled = 0;
    async function* endless(): AsyncGenerator<string> {
      try {
        for (;;) {
          pulled++;
          yield 'x'.repeat(1000);
        }
      } finally {
        released = true;
      }
    }
    // exitcode never reads stdin
    expect(outcome(await run(progs, { args: ['exitcode', 'code', '300'], stdin: endless() }))).toEqual(expectedOf(BUILD, 'exitcode-code300'));
    await expect.poll(() => released).toBe(true);
    expect(pulled).toBeLessThan(100); // pulled only while the pipe had room (64 KiB)
  });
});

it('stdin of another kind is refused', async () => {
  await expect(progs.run({ args: ['wc'], stdin: 42 as unknown as string })).rejects.toThrow(TypeError);
});

/** translated once for both threads */
let busybox: ElfProgram | undefined;

describe.each(THREADS)("Debian's busybox with streamed stdin %s", (_, inWorker) => {
  let path: string;
  // on translation threads, not this test's (see program-terminal.test.ts)
  beforeAll(async () => {
    path = realBinary('busybox');
    busybox ??= createProgram('busybox', { bytes: await translateInChild(readFileSync(path), { optimize: 0 }), lifter });
  }, 120_000);
  const run = (options: RunOptions): Promise<RunResult> => busybox!.run({ ...options, worker: inWorker ? (worker ??= nodeWorker()) : undefined });

  it("sh's read answers each line before the next exists, as under qemu-aarch64", async () => {
    const script = 'while read -r l; do echo "got $l"; done; echo "end of input"';
    const lines = ['first line\n', '  second\twith tab\n', 'ünïcödé third\n', 'no newline'];
    const steps: FeedStep[] = lines.map((line, i) => ({ after: i === 0 ? '' : `got ${lines[i - 1]!.trim()}\n`, send: line }));
    steps.push({ after: '', send: null });
    const expected = await fedHost('qemu-aarch64', [path, 'sh', '-c', script], steps, { cwd: dirname(path) });
    expect(expected.stdout).toContain('got ünïcödé third\n');
    let out = '';
    const r = await run({ args: ['sh', '-c', script], stdin: fedSteps(steps, () => out), onStdout: (t) => { out += t; } });
    expect(outcome(r)).toEqual(expected);
  });

  it('sort and wc read a chunked stream as qemu-aarch64 reads the same bytes', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `${(i * 7919) % 3001} line ${i} ✓\n`).join('');
    const whole: FeedStep[] = [{ after: '', send: text }, { after: '', send: null }];
    for (const args of [['sort', '-n'], ['wc']]) {
      const expected = await fedHost('qemu-aarch64', [path, ...args], whole, { cwd: dirname(path) });
      expect(outcome(await run({ args, stdin: byteChunks(new TextEncoder().encode(text), 1000) })), args.join(' ')).toEqual(expected);
    }
  });
});
