// elf2wasm as a user meets it: a drop-in for `qemu-aarch64 tool.elf args…`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedOf, FIXTURES } from './helpers/run-fixture.ts';

const BIN = resolve(import.meta.dirname, '../bin/elf2wasm.js');
let cache: string;
let work: string;

function cli(args: string[], input = '') {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input, encoding: 'utf8', cwd: work, env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: cache },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const fixture = (name: string) => join(FIXTURES, 'bin', name);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'elf2wasm-cli-'));
  cache = join(work, 'cache');
});

describe('elf2wasm run', () => {
  it('prints what qemu prints and exits with the guest status (glibc and musl hello)', () => {
    for (const b of ['hello-glibc', 'hello-musl']) {
      const r = cli(['run', fixture(b), 'one', 'two three']);
      const e = expectedOf(b, 'args');
      expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual(e);
    }
  });

  it('caches the translation: the second run translates nothing', () => {
    const files = readdirSync(cache).filter((f) => f.endsWith('.wasm'));
    expect(files.length).toBe(2);
    const before = files.map((f) => statSync(join(cache, f)).mtimeMs);
    expect(cli(['run', fixture('hello-musl')]).status).toBe(0);
    expect(readdirSync(cache).filter((f) => f.endsWith('.wasm')).map((f) => statSync(join(cache, f)).mtimeMs)).toEqual(before);
  });

  it('passes stdin through and returns exit codes', () => {
    const text = 'The quick brown fox\njumps\n';
    const e = expectedOf('progs-musl-O2', 'wc-newlines');
    expect(cli(['run', fixture('progs-musl-O2'), 'wc'], '\n\n\n')).toEqual(e);
    expect(cli(['run', fixture('progs-musl-O2'), 'wc'], text).status).toBe(0);
    expect(cli(['run', fixture('progs-musl-O2'), 'exitcode', 'code', '300'])).toEqual(expectedOf('progs-musl-O2', 'exitcode-code300'));
  });

  it('runs a .wasm written by the translate command', () => {
    const out = join(work, 'hello.wasm');
    const t = cli([fixture('hello-musl'), '-o', out]);
    expect(t.status).toBe(0);
    expect(t.stderr).toMatch(/hello-musl → .*hello\.wasm: \d+ functions, \d+ instructions, \d+ KiB, \d+ ms/);
    expect([...readFileSync(out).subarray(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
    expect(cli(['run', out, 'one', 'two three'])).toEqual(expectedOf('hello-musl', 'args'));
  });
});

describe('elf2wasm run: code the build did not translate', () => {
  const lift = (name: string) => join(FIXTURES, 'lift', name);
  const expected = JSON.parse(readFileSync(lift('expected.json'), 'utf8')) as Record<string, { stdout: string; status: number }>;
  const copy = () => {
    const dir = mkdtempSync(join(work, 'learn-'));
    copyFileSync(lift('hidden'), join(dir, 'hidden'));
    return join(dir, 'hidden');
  };

  it('is lifted when reached, and --trace counts it', () => {
    const r = cli(['run', '--trace', lift('hidden'), 'x', 'y']);
    expect({ stdout: r.stdout, status: r.status }).toEqual({ stdout: expected['hidden-3']!.stdout, status: expected['hidden-3']!.status });
    expect(r.stderr).toMatch(/^\[elf2wasm\] lifted 0x[0-9a-f]+: 1 function\(s\), \d+ instructions/m);
    expect(r.stderr).toMatch(/^\[elf2wasm\] run-time lifting: [1-9]\d* lifts, /m);
  });

  it('--report lists the functions found by source and the indirect branch left to run time', () => {
    const r = cli([lift('hidden'), '-o', join(work, 'hidden.wasm'), '--report']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^functions: \d+ /);
    expect(r.stdout).toMatch(/^indirect jumps unresolved: 1$/m);
    expect(r.stdout).toMatch(/^ {2}0x[0-9a-f]+ .*: no bounds check found/m);
  });

  it('--no-lift makes it a SIGSEGV naming the address', () => {
    const r = cli(['run', '--no-lift', lift('hidden'), 'x']);
    expect(r.status).toBe(139);
    expect(r.stderr).toMatch(/^elf2wasm: jump to untranslated address 0x[0-9a-f]+/);
  });

  it('--record keeps what was lifted beside the executable; the next translation includes it', () => {
    const exe = copy();
    const first = cli(['run', '--record', exe, 'x', 'y']);
    expect({ stdout: first.stdout, status: first.status }).toEqual({ stdout: expected['hidden-3']!.stdout, status: expected['hidden-3']!.status });
    const learned = readFileSync(`${exe}.lifted`, 'utf8').split('\n');
    expect(learned[0]).toMatch(/^# elf2wasm: .* sha256:[0-9a-f]{64}$/);
    expect(learned.filter((l) => /^0x[0-9a-f]+$/.test(l)).length).toBeGreaterThan(0);
    const again = cli(['run', '--trace', exe, 'x', 'y']);
    expect(again.stdout).toBe(expected['hidden-3']!.stdout);
    expect(again.stderr).toMatch(/^\[elf2wasm\] run-time lifting: 0 lifts, /m);
    const t = cli([exe, '-o', join(work, 'learned.wasm')]);
    expect(t.stderr).toMatch(/\d+ learned entries/);
  });
});

describe('bad input: one clear line, no stack trace', () => {
  const oneLine = (s: string) => s.trim().split('\n');
  it('an x86-64 ELF', () => {
    const r = cli(['run', join(FIXTURES, 'elf/x86-64-head')]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/^elf2wasm: .*x86-64 ELF: only AArch64 is supported$/)]);
  });
  it('a dynamically linked AArch64 ELF', () => {
    const r = cli([join(FIXTURES, 'elf/hello-dynamic')]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/^elf2wasm: .*dynamically linked.*static/)]);
  });
  it('not an ELF at all, a missing file, bad usage', () => {
    const notElf = cli(['run', join(FIXTURES, 'cases.json')]);
    expect(notElf.status).toBe(1);
    expect(oneLine(notElf.stderr)).toEqual([expect.stringMatching(/^elf2wasm: .*not an ELF file/)]);
    const missing = cli(['run', join(work, 'nope.elf')]);
    expect(missing.status).toBe(2);
    expect(oneLine(missing.stderr)).toEqual([expect.stringMatching(/^elf2wasm: cannot read .*nope\.elf: ENOENT$/)]);
    expect(cli(['run']).status).toBe(2);
    expect(cli(['run', '--bogus', fixture('hello-musl')]).status).toBe(2);
  });
});
