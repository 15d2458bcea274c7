// elf2wasm as a user meets it: a drop-in for `qemu-aarch64 tool.elf args…`.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossBuilder } from './helpers/cross-build.ts';
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
    // a translation is written to a new file renamed into place: the same inode means not rewritten
    // (the mtime is the entry's last use, which a hit updates)
    const before = files.map((f) => statSync(join(cache, f)).ino);
    expect(cli(['run', fixture('hello-musl')]).status).toBe(0);
    expect(readdirSync(cache).filter((f) => f.endsWith('.wasm')).map((f) => statSync(join(cache, f)).ino)).toEqual(before);
  });

  it('passes stdin through and returns exit codes', () => {
    const text = 'The quick brown fox\njumps\n';
    const e = expectedOf('progs-musl-O2', 'wc-newlines');
    expect(cli(['run', fixture('progs-musl-O2'), 'wc'], '\n\n\n')).toEqual(e);
    expect(cli(['run', fixture('progs-musl-O2'), 'wc'], text).status).toBe(0);
    expect(cli(['run', fixture('progs-musl-O2'), 'exitcode', 'code', '300'])).toEqual(expectedOf('progs-musl-O2', 'exitcode-code300'));
  });

  it('a run whose processes only sleep ends when the sleep does (procs.c sleep-zombie, as under qemu)', () => {
    const elf = crossBuilder('cli-procs')('aarch64-linux-gnu-gcc', resolve(import.meta.dirname, 'fixtures/procs/procs.c'), 'procs', ['-O2', '-static']);
    const q = spawnSync('qemu-aarch64', [elf, 'sleep-zombie'], { encoding: 'utf8' });
    expect(q.stdout).toBe('ppoll: 0\n');
    expect(cli(['run', elf, 'sleep-zombie'])).toEqual({ status: q.status, stdout: q.stdout, stderr: q.stderr });
  });

  it('a write to a host pipe whose reader has gone is SIGPIPE: status 141, nothing printed (procs.c yes | head, as under qemu)', () => {
    const elf = crossBuilder('cli-procs')('aarch64-linux-gnu-gcc', resolve(import.meta.dirname, 'fixtures/procs/procs.c'), 'procs', ['-O2', '-static']);
    const piped = (runner: string) => spawnSync('bash', ['--norc', '-c', `${runner} ${elf} yes | head -c 4; echo " status \${PIPESTATUS[0]}"`], {
      encoding: 'utf8', cwd: work, env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: cache },
    });
    const q = piped('qemu-aarch64');
    expect(q.stdout).toBe('y\ny\n status 141\n');
    const e = piped(`${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} run`);
    expect({ stdout: e.stdout, stderr: e.stderr }).toEqual({ stdout: q.stdout, stderr: q.stderr });
  });

  it('a process computing without syscalls lets a child whose exec\'d image loads meanwhile run, and gets its signal (procs.c busy-signal)', () => {
    const build = crossBuilder('cli-procs');
    const elf = build('aarch64-linux-gnu-gcc', resolve(import.meta.dirname, 'fixtures/procs/procs.c'), 'procs', ['-O2', '-static']);
    // another executable than the parent's: its translation loads asynchronously, on the host's event loop
    const other = build('aarch64-linux-gnu-gcc', resolve(import.meta.dirname, 'fixtures/procs/procs.c'), 'procs-O1', ['-O1', '-static']);
    const q = spawnSync('qemu-aarch64', [elf, 'busy-signal', other], { encoding: 'utf8' });
    expect(q.stdout).toBe('the computing parent got SIGUSR1\nchild status 0\n');
    expect(cli(['run', elf, 'busy-signal', other])).toEqual({ status: q.status, stdout: q.stdout, stderr: q.stderr });
  });

  it('passes SIGUSR1 from the host to the guest\'s first process (procs.c usr1-wait: its handler runs, its child is not signalled, as under qemu; not Node\'s inspector)', async () => {
    const elf = crossBuilder('cli-procs')('aarch64-linux-gnu-gcc', resolve(import.meta.dirname, 'fixtures/procs/procs.c'), 'procs', ['-O2', '-static']);
    const signalled = (cmd: string, args: string[]) => new Promise<{ stdout: string; stderr: string; status: number | null }>((done) => {
      const child = spawn(cmd, args, { cwd: work, env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: cache } });
      let stdout = '', stderr = '', sent = false;
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (!sent && stdout.includes('ready\n')) sent = child.kill('SIGUSR1');
      });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      // a signal that never arrives must not leave the program waiting for ever
      const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('close', (status) => {
        clearTimeout(deadline);
        done({ stdout, stderr, status });
      });
    });
    const q = await signalled('qemu-aarch64', [elf, 'usr1-wait']);
    expect(q).toEqual({ stdout: 'ready\ngot SIGUSR1\nchild: exit 7\n', stderr: '', status: 0 });
    expect(await signalled(process.execPath, [BIN, 'run', elf, 'usr1-wait'])).toEqual(q);
  });

  it('runs from a working directory removed before it started (as qemu does), no internal error', () => {
    const r = spawnSync('bash', ['--norc', '-c', `mkdir gone && cd gone && rmdir ../gone && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} run ${fixture('hello-musl')}`], {
      encoding: 'utf8', cwd: work, env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: cache },
    });
    expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual(expectedOf('hello-musl', 'noargs'));
  });

  it('runs a .wasm written by the translate command', () => {
    const out = join(work, 'hello.wasm');
    const t = cli([fixture('hello-musl'), '-o', out]);
    expect(t.status).toBe(0);
    expect(t.stderr).toMatch(/hello-musl → .*hello\.wasm: \d+ functions, \d+ instructions, \d+ KiB, \d+ ms/);
    expect([...readFileSync(out).subarray(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
    expect(cli(['run', out, 'one', 'two three'])).toEqual(expectedOf('hello-musl', 'args'));
  });

  it('loop re-entry: the translate command\'s default, --no-loop-reentry turns it off; either module runs', () => {
    const meta = (file: string) => readFileSync(file).toString('latin1');
    const on = join(work, 'reentry.wasm'), off = join(work, 'no-reentry.wasm');
    expect(cli([fixture('hello-glibc'), '-o', on]).status).toBe(0);
    expect(cli([fixture('hello-glibc'), '--no-loop-reentry', '-o', off]).status).toBe(0);
    expect(meta(on)).toContain('"loopReentry":true');
    expect(meta(off)).not.toContain('loopReentry');
    for (const wasm of [on, off]) expect(cli(['run', wasm, 'one', 'two three'])).toEqual(expectedOf('hello-glibc', 'args'));
  });

  it('relaxed SIMD: the translate command\'s --relaxed-simd, run\'s default; run reuses a cached translation without it', () => {
    const meta = (file: string) => readFileSync(file).toString('latin1');
    const relaxed = join(work, 'relaxed.wasm'), portable = join(work, 'portable.wasm');
    expect(cli(['--relaxed-simd', fixture('hello-musl'), '-o', relaxed]).status).toBe(0);
    expect(cli([fixture('hello-musl'), '-o', portable]).status).toBe(0);
    expect(meta(relaxed)).toContain('"relaxedSimd":true');
    expect(meta(portable)).not.toContain('relaxedSimd');
    expect(cli(['run', relaxed, 'one', 'two three'])).toEqual(expectedOf('hello-musl', 'args'));
    // a cache holding only the translation without relaxed SIMD: run uses it and adds none
    const own = join(work, 'cache-relaxed');
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'run', ...args], { encoding: 'utf8', cwd: work, env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: own } });
    expect(run(['--no-relaxed-simd', fixture('hello-glibc')]).status).toBe(0);
    expect(readdirSync(own).filter((f) => f.endsWith('.wasm'))).toHaveLength(1);
    const again = run([fixture('hello-glibc'), 'one', 'two three']);
    expect({ stdout: again.stdout, stderr: again.stderr, status: again.status }).toEqual(expectedOf('hello-glibc', 'args'));
    expect(readdirSync(own).filter((f) => f.endsWith('.wasm'))).toHaveLength(1);
    const ls = spawnSync(process.execPath, [BIN, 'cache', 'ls'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: own } });
    expect(ls.stdout).not.toContain('--relaxed-simd');
  });
});

describe('elf2wasm run: a program that installs a SIGSEGV handler', () => {
  it('switches to code lifted at run time once; later runs translate it with protect \'full\' ahead of time (a memo in the cache, which `cache clean` removes)', () => {
    const elf = crossBuilder('cli-faults')('aarch64-linux-gnu-gcc', resolve(import.meta.dirname, 'fixtures/faults/faults.c'), 'faults', ['-O1', '-static']);
    const args = [elf, 'mprotect-write', 'retry'];
    const q = spawnSync('qemu-aarch64', args, { encoding: 'utf8' });
    expect(q.stdout).toContain('after the retried store');
    const own = join(work, 'cache-handler');
    const run = (opts: string[]) => spawnSync(process.execPath, [BIN, 'run', ...opts, ...args], { encoding: 'utf8', cwd: work, env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: own } });
    const memos = () => readdirSync(own).filter((f) => f.endsWith('.handler'));
    const first = run(['--trace']);
    expect({ stdout: first.stdout, status: first.status }).toEqual({ stdout: q.stdout, status: q.status });
    expect(first.stderr).toContain('code runs lifted at run time with protect \'full\'');
    expect(memos()).toHaveLength(1);
    const second = run(['--trace']);
    expect({ stdout: second.stdout, status: second.status }).toEqual({ stdout: q.stdout, status: q.status });
    expect(second.stderr).toContain('switched to checked code in an earlier run (a SIGSEGV/SIGBUS handler, or its read-only segments made writable): translated with protect \'full\'');
    expect(second.stderr).not.toContain('code runs lifted at run time');
    // a protection chosen on the command line is kept
    expect(run(['--trace', '--protect', 'null']).stderr).toContain('code runs lifted at run time with protect \'full\'');
    expect(spawnSync(process.execPath, [BIN, 'cache', 'clean'], { env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: own } }).status).toBe(0);
    expect(memos()).toEqual([]);
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
  it('a dynamically linked AArch64 ELF whose interpreter is in no sysroot', () => {
    // the interpreter's name changed to one that no sysroot or host has
    const bytes = readFileSync(join(FIXTURES, 'elf/hello-dynamic'));
    const at = bytes.indexOf('/lib/ld-linux-aarch64.so.1\0');
    expect(at).toBeGreaterThan(0);
    bytes.write('/no/such/ld-linux.so.1\0', at, 'latin1');
    const file = join(work, 'hello-no-interp');
    writeFileSync(file, bytes, { mode: 0o755 });
    const empty = mkdtempSync(join(work, 'sysroot-'));
    for (const args of [[file], ['run', '-L', empty, file]]) {
      const r = cli(args);
      expect(r.status).toBe(1);
      expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/^elf2wasm: .*dynamically linked ELF: its interpreter \/no\/such\/ld-linux\.so\.1 is (neither in the sysroot .* nor on the host|not on the host and no sysroot was given); give .* -L DIR or QEMU_LD_PREFIX/)]);
    }
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

// The file system options (src/cli/confine.ts, src/node/namespace.ts; syscall-level cases in
// test/unit/confinement.test.ts), seen through the catfiles fixture, which prints the files and
// directory trees it is given or the errno of each path it cannot reach.
describe('elf2wasm run --root / --mount / --no-host-fs: a confined guest', () => {
  let outside: string;
  let root: string;
  let data: string;
  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'elf2wasm-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'SECRET\n');
    root = mkdtempSync(join(tmpdir(), 'elf2wasm-root-'));
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/passwd'), 'decoy\n');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'abs-out'));
    symlinkSync(`../../../../../..${outside}`, join(root, 'rel-out'));
    data = mkdtempSync(join(tmpdir(), 'elf2wasm-data-'));
    writeFileSync(join(data, 'f.txt'), 'data\n');
  });
  const catfiles = (opts: string[], ...paths: string[]) => cli(['run', ...opts, fixture('progs-musl-O2'), 'catfiles', ...paths]);

  it('--root DIR: "/" is DIR; "..", links and /proc lead nowhere else', () => {
    const secret = join(outside, 'secret.txt');
    const r = catfiles(['--root', root], '/etc/passwd', secret, `/../../..${secret}`, '/abs-out', '/rel-out/secret.txt', `/proc/self/root${secret}`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('/etc/passwd: 6 bytes\ndecoy\n');
    expect(r.stdout).not.toContain('SECRET');
    expect(r.stdout.match(/No such file or directory/g)).toHaveLength(5);
  });

  it('--no-host-fs with a read-only --mount: only the mount and an empty root exist', () => {
    const r = catfiles(['--no-host-fs', `--mount=/data=${data}:ro`], '/', '/etc/passwd');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`//: 2 entries\n//data/: 1 entries\n//data/f.txt: 5 bytes\ndata\n//tmp/: 0 entries\n/etc/passwd: No such file or directory\n`);
  });

  it('the host file system stays the default; bad options are usage errors', () => {
    expect(catfiles([], join(outside, 'secret.txt')).stdout).toContain('SECRET');
    for (const bad of [['--root', join(outside, 'nope')], ['--mount', '/x'], ['--mount', `x=${data}`], ['--mount', `/x=${join(outside, 'nope')}`], ['--root', root, '--no-host-fs'], ['--root']]) {
      const r = catfiles(bad, '/');
      expect(r.status, bad.join(' ')).toBe(2);
      expect(r.stderr, bad.join(' ')).toMatch(/^elf2wasm: (--root|--mount)/);
    }
  });
});
