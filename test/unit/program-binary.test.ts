// The program API is binary-safe: run() returns the exact bytes of stdout and stderr besides
// their text, and stdin and files take bytes, on the caller's thread and in a worker. Expected
// bytes come from qemu-aarch64: recorded for the committed cases, run live for arbitrary bytes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram, type ElfProgram, type RunOptions, type RunResult } from '../../src/program/index.ts';
import { translate } from '../../src/translate.ts';
import { FIXTURES } from '../helpers/run-fixture.ts';
import { nodeWorker } from '../helpers/ts-worker.ts';

const BUILD = 'progs-musl-O2';
const BINARY = join(FIXTURES, 'bin', BUILD);
interface Case { name: string; prog: string; args?: string[]; stdin?: string }
interface Recorded { stdout: string; stderr: string; status: number; stdoutEncoding?: 'base64'; stderrEncoding?: 'base64' }
const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];
const recorded = (name: string): Recorded => JSON.parse(readFileSync(join(FIXTURES, 'expected', BUILD, `${name}.json`), 'utf8')) as Recorded;
const bytesOf = (text: string, encoding?: 'base64'): Buffer => Buffer.from(text, encoding === 'base64' ? 'base64' : 'utf8');
const hasQemu = spawnSync('qemu-aarch64', ['--version']).status === 0;
/** the cases run live against qemu: skipped, saying so in their names, where it is not installed (never in CI) */
const qemuCase = it.skipIf(!hasQemu && !process.env.CI);
const unlessQemu = hasQemu ? '' : ' (skipped: qemu-aarch64 not installed)';

/** bytes that are not UTF-8: every byte value, twice, and a NUL-heavy tail */
const BLOB = new Uint8Array([...Array.from({ length: 512 }, (_, i) => (i * 7 + 3) & 255), 0, 0, 0xff, 0xfe, 0xc3]);

let progs: ElfProgram;
let work: string;
beforeAll(() => {
  // optimize 0: the program API is under test here
  progs = createProgram('progs', { bytes: translate(readFileSync(BINARY), { optimize: 0 }).wasm });
  work = mkdtempSync(join(tmpdir(), 'elf2wasm-binary-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** the result's streams as qemu's recording has them */
const streams = (r: RunResult) => ({ stdout: Buffer.from(r.stdoutBytes), stderr: Buffer.from(r.stderrBytes), status: r.exitCode });

const MODES: [string, RunOptions][] = [['the caller thread', {}], ['a worker', { worker: nodeWorker }]];

for (const [where, mode] of MODES) {
  describe(`run() on ${where}`, () => {
    // output that is not valid UTF-8, recorded under qemu (base64 in the recording)
    for (const name of ['filter-rev-unicode', 'printf_str']) {
      it(`${name}: stdoutBytes holds the exact bytes, stdout their UTF-8 decoding`, async () => {
        const c = cases.find((x) => x.name === name)!;
        const e = recorded(name);
        expect(e.stdoutEncoding).toBe('base64');
        // stdin as bytes: the same as the recording's text
        const r = await progs.run({ ...mode, args: [c.prog, ...(c.args ?? [])], stdin: c.stdin === undefined ? undefined : new TextEncoder().encode(c.stdin) });
        expect(streams(r)).toEqual({ stdout: bytesOf(e.stdout, e.stdoutEncoding), stderr: bytesOf(e.stderr, e.stderrEncoding), status: e.status });
        expect(r.stdout).toBe(new TextDecoder().decode(r.stdoutBytes));
        expect(r.stdout).toContain('\uFFFD');
      });
    }

    qemuCase(`binary stdin passes through unchanged to binary stdout (filter cat), as under qemu${unlessQemu}`, async () => {
      const q = spawnSync('qemu-aarch64', [BINARY, 'filter', 'cat'], { input: BLOB, env: {} });
      const r = await progs.run({ ...mode, args: ['filter', 'cat'], stdin: BLOB });
      expect(streams(r)).toEqual({ stdout: q.stdout, stderr: q.stderr, status: q.status });
      expect(r.stdoutBytes.subarray(0, BLOB.byteLength)).toEqual(BLOB);
    });

    qemuCase(`a binary file given in \`files\` reads as under qemu, and comes back as the same bytes${unlessQemu}`, async () => {
      const dir = mkdtempSync(join(work, 'files-'));
      writeFileSync(join(dir, 'blob.bin'), BLOB);
      const q = spawnSync('qemu-aarch64', [BINARY, 'catfiles', 'blob.bin'], { cwd: dir, env: {} });
      const r = await progs.run({ ...mode, args: ['catfiles', 'blob.bin'], cwd: '/work', files: { '/work/blob.bin': BLOB } });
      expect(streams(r)).toEqual({ stdout: q.stdout, stderr: q.stderr, status: q.status });
      expect(r.files?.['/work/blob.bin']).toEqual(BLOB);
    });
  });
}

describe('stderr', () => {
  it('stderrBytes holds what the guest wrote to fd 2 (filter-badmode, recorded under qemu)', async () => {
    const c = cases.find((x) => x.name === 'filter-badmode')!;
    const e = recorded(c.name);
    expect(e.stderr).not.toBe('');
    const r = await progs.run({ args: [c.prog, ...(c.args ?? [])], stdin: c.stdin });
    expect(streams(r)).toEqual({ stdout: bytesOf(e.stdout), stderr: bytesOf(e.stderr), status: e.status });
    expect(r.stderr).toBe(e.stderr);
  });
});
