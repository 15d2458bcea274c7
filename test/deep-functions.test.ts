// Functions whose structure nests deep: every return site of a function is an entry point, so a
// function with N calls becomes N nested blocks. translate() must take them on the caller's own
// thread (the program API and browsers translate there, with a stack of about 1 MB: a recursive
// encoder overflowed at 10 000 calls), and the translation must run as the program does under qemu.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crossBuilder } from './helpers/cross-build.ts';
import { translate } from '../src/translate.ts';
import { translateInThread } from '../src/node/translate-thread.ts';

const BIN = resolve(import.meta.dirname, '../bin/elf2wasm.js');
const build = crossBuilder('deep');
const dir = mkdtempSync(join(tmpdir(), 'elf2wasm-deep-src-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** _start calls `inc` `calls` times and exits with the count (mod 256) */
function manyCalls(calls: number): string {
  const src = join(dir, `calls-${calls}.s`);
  const body = Array.from({ length: calls }, () => '  bl inc').join('\n');
  writeFileSync(src, `.text\n.global _start\n_start:\n  mov x19, #0\n${body}\n  and x0, x19, #0xff\n  mov x8, #93\n  svc #0\ninc:\n  add x19, x19, #1\n  ret\n`);
  return build('aarch64-linux-gnu-gcc', src, `calls-${calls}`, ['-nostdlib', '-static']);
}

describe('functions that nest deep', () => {
  for (const calls of [10_000, 30_000]) {
    it(`a function with ${calls} calls translates on this thread as on a translation thread, and runs as under qemu-aarch64`, async () => {
      const elf = manyCalls(calls);
      const bytes = new Uint8Array(readFileSync(elf));
      const here = translate(bytes);
      const there = await translateInThread(bytes);
      expect(Buffer.from(here.wasm).equals(Buffer.from(there.wasm))).toBe(true);
      const cache = mkdtempSync(join(tmpdir(), 'elf2wasm-deep-cache-'));
      try {
        const ours = spawnSync(process.execPath, [BIN, 'run', elf], { env: { ...process.env, ELF2WASM_CACHE_DIR: cache }, encoding: 'utf8' });
        const qemu = spawnSync('qemu-aarch64', [elf], { encoding: 'utf8' });
        expect(qemu.status).toBe(calls % 256);
        expect({ status: ours.status, stdout: ours.stdout, stderr: ours.stderr }).toEqual({ status: qemu.status, stdout: qemu.stdout, stderr: qemu.stderr });
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
