// Signals from outside the run (issue 8 item 5): Ctrl-C to `elf2wasm run` reaches the guest as
// qemu-user passes it on. Each case runs under qemu-aarch64 and under elf2wasm run, each in a
// process group of its own that gets SIGINT once the program prints "ready", as a terminal's ^C
// reaches its foreground job; output and status must be the same (a death by signal N counts
// as 128 + N, what a shell shows).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../bin/elf2wasm.js');
const SOURCE = resolve(import.meta.dirname, 'fixtures/signals/interrupt.c');
let work: string;
let program: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'elf2wasm-interrupt-'));
  program = join(work, 'interrupt');
  execFileSync('aarch64-linux-gnu-gcc', ['-static', '-O1', '-o', program, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Outcome { stdout: string; stderr: string; status: number }

/** runs `cmd` in a new process group; `sig` goes to the group 300 ms after the first "ready" */
function interrupted(cmd: string, args: string[], sig: NodeJS.Signals): Promise<Outcome> {
  return new Promise((done, fail) => {
    const p = spawn(cmd, args, { detached: true, cwd: work, env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: join(work, 'cache') } });
    let stdout = '', stderr = '', sent = false;
    const guard = setTimeout(() => process.kill(-p.pid!, 'SIGKILL'), 60_000);
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && stdout.includes('ready')) {
        sent = true;
        setTimeout(() => process.kill(-p.pid!, sig), 300);
      }
    });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', fail);
    p.on('close', (code, signal) => {
      clearTimeout(guard);
      done({ stdout, stderr, status: code ?? 128 + constants.signals[signal!] });
    });
  });
}

describe('a signal to elf2wasm run reaches the guest as under qemu-aarch64', () => {
  const cases: [string, string, NodeJS.Signals][] = [
    ['sleep', 'handler', 'SIGINT'], ['sleep', 'none', 'SIGINT'],
    ['pipe', 'handler', 'SIGINT'], ['pipe', 'none', 'SIGINT'],
    ['sleep', 'handler', 'SIGTERM'], ['sleep', 'none', 'SIGTERM'],
  ];
  it.each(cases)('waiting in %s, SIGINT handler: %s, sent %s', async (how, handler, sig) => {
    const expected = await interrupted('qemu-aarch64', [program, how, handler], sig);
    const got = await interrupted(process.execPath, [BIN, 'run', program, how, handler], sig);
    expect(got).toEqual(expected);
    // the cases mean something: the handler ran (status 3) or the signal killed it
    expect(expected.status).toBe(handler === 'handler' ? 3 : 128 + constants.signals[sig]);
  });
});
