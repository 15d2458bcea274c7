// Real Debian arm64 dynamic executables (issue 12): grep and sed from Debian's packages, with their
// libraries (libc6, libpcre2-8-0, libselinux1, libacl1) unpacked into a sysroot of Debian's own
// files (test/.debian/dynamic-root, git-ignored, fetched with `apt-get download` on first use),
// run by `elf2wasm run -L SYSROOT` and by `qemu-aarch64 -L SYSROOT`: identical stdout, stderr,
// status. These binaries are stripped PIEs: discovery has only .dynsym, eh_frame and the
// relocated data. Their libraries are translated each on its own and cached: sed reuses the
// libc.so.6 and libpcre2-8.so.0 that grep's run translated.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEntries } from './helpers/cache-entries.ts';

const CACHE = resolve(import.meta.dirname, '.debian/dynamic');
const ROOT = join(CACHE, 'root');
const BIN = resolve(import.meta.dirname, '../bin/elf2wasm.js');
const PACKAGES = ['grep', 'sed', 'libc6', 'libpcre2-8-0', 'libselinux1', 'libacl1'];

/** downloads and unpacks the packages once; the reason it could not, or undefined */
function fetchSysroot(): string | undefined {
  if (existsSync(join(ROOT, 'bin/grep')) && existsSync(join(ROOT, 'bin/sed'))) return undefined;
  const debs = join(CACHE, 'debs');
  mkdirSync(debs, { recursive: true });
  const dl = spawnSync('apt-get', ['download', ...PACKAGES.map((p) => `${p}:arm64`)], { cwd: debs, encoding: 'utf8' });
  if (dl.status !== 0) return `apt-get download ${PACKAGES.join(' ')} (arm64) failed: ${(dl.stderr || String(dl.error)).trim().split('\n').at(-1)}`;
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
    const x = spawnSync('dpkg-deb', ['-x', join(debs, deb), ROOT], { encoding: 'utf8' });
    if (x.status !== 0) return `dpkg-deb -x ${deb} failed: ${x.stderr}`;
  }
  return undefined;
}

const hasQemu = spawnSync('sh', ['-c', 'command -v qemu-aarch64']).status === 0;
const unavailable = hasQemu ? fetchSysroot() : 'qemu-aarch64 not installed';
// outside CI a machine without Debian's apt or qemu skips, saying why; CI must run it
const suite = unavailable && !process.env.CI ? describe.skip : describe;

let work: string;

interface Outcome { stdout: string; stderr: string; status: number | null }

/** long enough for the first run, which translates libc.so.6 and the tool's other libraries */
function run(cmd: string, args: string[]): Promise<Outcome> {
  return new Promise((res, rej) => {
    const env = { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: join(work, 'cache'), LC_ALL: 'C' };
    const child = spawn(cmd, args, { cwd: work, env, timeout: 500_000 });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', rej);
    child.on('close', (status) => res({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), status }));
  });
}

async function compare(tool: string, args: string[]): Promise<Outcome> {
  const exe = join(ROOT, 'bin', tool);
  const expected = await run('qemu-aarch64', ['-L', ROOT, exe, ...args]);
  const actual = await run(process.execPath, [BIN, 'run', '-L', ROOT, exe, ...args]);
  expect(actual).toEqual(expected);
  return actual;
}

suite(`Debian's dynamic grep and sed against qemu-aarch64 -L${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(() => {
    if (unavailable) throw new Error(unavailable); // only reached in CI
    work = mkdtempSync(join(tmpdir(), 'elf2wasm-debian-dyn-'));
    writeFileSync(join(work, 'in.txt'), 'alpha\nbeta 42\ngamma\nbeta 7\nBETA 9\n');
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('grep: a basic regex with line numbers, -i -c, no match (status 1), a missing file (status 2)', async () => {
    expect((await compare('grep', ['-n', 'beta [0-9]\\+', 'in.txt'])).stdout).toBe('2:beta 42\n4:beta 7\n');
    await compare('grep', ['-ic', 'beta', 'in.txt']);
    expect((await compare('grep', ['delta', 'in.txt'])).status).toBe(1);
    expect((await compare('grep', ['-P', 'b\\w+\\s(\\d+)', 'no-such-file'])).status).toBe(2);
  }, 900_000);
  it('sed: an extended-regex substitution, line addressing, deletion', async () => {
    expect((await compare('sed', ['-E', 's/beta ([0-9]+)/B<\\1>/', 'in.txt'])).stdout).toContain('B<42>');
    await compare('sed', ['-n', '2,3p;$=', 'in.txt']);
    await compare('sed', ['/^g/d', 'in.txt']);
  }, 900_000);
  it('grep and sed share the translations of the libraries they both load (libc.so.6, libpcre2-8.so.0)', async () => {
    const cache = join(work, 'cache');
    await compare('grep', ['-c', 'a', 'in.txt']);
    const shared = ['libc.so.6', 'libpcre2-8.so.0'].map((name) => cacheEntries(cache, name));
    for (const entries of shared) expect(entries).toHaveLength(1);
    // sed loads them too (libpcre2 through libselinux): the same entries, read, not written again
    await compare('sed', ['-n', '$=', 'in.txt']);
    expect(['libc.so.6', 'libpcre2-8.so.0'].map((name) => cacheEntries(cache, name))).toEqual(shared);
    expect(cacheEntries(cache, 'libselinux.so.1')).toHaveLength(1);
    // and their translations ran: each library's module installed when ld.so mapped it
    const traced = await run(process.execPath, [BIN, 'run', '--trace', '-L', ROOT, join(ROOT, 'bin/sed'), '-n', '$=', 'in.txt']);
    for (const lib of ['libc.so.6', 'libpcre2-8.so.0', 'libselinux.so.1', 'libacl.so.1']) {
      expect(traced.stderr).toMatch(new RegExp(`/${lib.replace(/\./g, '\\.')} mapped at 0x[0-9a-f]+: its translation \\(\\d+ functions\\) is installed`));
    }
  }, 900_000);
});
