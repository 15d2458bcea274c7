// Signals from outside the run (issue 8 item 5): Ctrl-C to `elf2wasm run` reaches the guest as
// qemu-user passes it on. Each case runs under qemu-aarch64 and under elf2wasm run, each in a
// process group of its own that gets the signal once the program prints "ready", as a
// terminal's ^C reaches its foreground job; output and status must be the same (a death by
// signal N counts as 128 + N, what a shell shows).
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossBuilder } from './helpers/cross-build.ts';
import { interrupted, settled, signalStatus } from './helpers/interrupted.ts';

const BIN = resolve(import.meta.dirname, '../bin/elf2wasm.js');
const SOURCE = resolve(import.meta.dirname, 'fixtures/signals/interrupt.c');
let work: string;
let program: string;

const build = crossBuilder('interrupt');
beforeAll(() => {
  program = build('aarch64-linux-gnu-gcc', SOURCE, 'interrupt', ['-static', '-O1']);
  work = dirname(program);
});

describe('a signal to elf2wasm run reaches the guest as under qemu-aarch64', () => {
  const cases: [string, string, NodeJS.Signals][] = [
    ['sleep', 'handler', 'SIGINT'], ['sleep', 'none', 'SIGINT'],
    ['pipe', 'handler', 'SIGINT'], ['pipe', 'none', 'SIGINT'],
    ['sleep', 'handler', 'SIGTERM'], ['sleep', 'none', 'SIGTERM'],
    // no syscall at all: the loop's interrupt point takes it (PSEUDO_SYSCALL.poll)
    ['compute', 'handler', 'SIGINT'], ['compute', 'none', 'SIGINT'], ['compute', 'handler', 'SIGTERM'], ['compute', 'none', 'SIGTERM'],
  ];
  it.each(cases)('waiting in %s, SIGINT handler: %s, sent %s', async (how, handler, sig) => {
    const opts = { cwd: work, env: { ELF2WASM_CACHE_DIR: join(work, 'cache') } };
    const expected = settled(await interrupted('qemu-aarch64', [program, how, handler], sig, opts));
    const got = settled(await interrupted(process.execPath, [BIN, 'run', program, how, handler], sig, opts));
    expect(got).toEqual(expected);
    // the cases mean something: the handler ran (status 3) or the signal killed it
    expect(expected.status).toBe(handler === 'handler' ? 3 : signalStatus(sig));
  });
});
