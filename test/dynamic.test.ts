// Dynamically linked and position-independent executables (issue 12): small C and C++ programs
// built here at test time, as default (dynamic, PIE) glibc executables against Debian's cross
// sysroot and as static-pie, run by `elf2wasm run -L SYSROOT` and by the reference
// `qemu-aarch64 -L SYSROOT`: stdout, stderr and the exit status must be identical.
//
// In the dynamic runs the program and its interpreter (ld-linux-aarch64.so.1) are translated
// ahead of time, and so is each start-up library (libc.so.6, libm.so.6, libstdc++.so.6 …) on its
// own, cached and shared by the programs: the guest's ld.so maps them through the runtime's mmap
// at the bases their translations were made for. The test's own dlopen()ed libplugin.so is
// lifted at run time.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseElf } from '../src/elf/parse.ts';
import { cacheEntries } from './helpers/cache-entries.ts';

const SYSROOT = '/usr/aarch64-linux-gnu';
const SRC = resolve(import.meta.dirname, 'fixtures/dynamic');
const BIN = resolve(import.meta.dirname, '../bin/elf2wasm.js');
const TOOLS = ['aarch64-linux-gnu-gcc', 'aarch64-linux-gnu-g++', 'aarch64-linux-musl-gcc', 'qemu-aarch64'];
/** the reference runs exec'd AArch64 children only with qemu registered with binfmt_misc (ARCHITECTURE.md) */
const binfmt = (() => {
  try {
    return /^enabled$/m.test(readFileSync('/proc/sys/fs/binfmt_misc/qemu-aarch64', 'utf8'));
  } catch {
    return false;
  }
})();

const onPath = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const missing = [...TOOLS.filter((t) => !onPath(t)), ...(existsSync(join(SYSROOT, 'lib/ld-linux-aarch64.so.1')) ? [] : [`${SYSROOT} (libc6-dev-arm64-cross)`])];
// outside CI a machine without the cross toolchain skips, saying why; in CI it must run (and fails)
const why = missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : '';
const suite = missing.length && !process.env.CI ? describe.skip : describe;

let work: string;
let env: Record<string, string>;

/** [output file, compiler, flags] */
const BUILDS: [string, string, string[]][] = [
  ['hello', 'gcc', ['hello.c']],
  ['hello-static-pie', 'gcc', ['-static-pie', 'hello.c']],
  ['hello-no-pie', 'gcc', ['-no-pie', 'hello.c']],
  ['hello-musl', 'musl-gcc', ['hello.c']],
  ['exec', 'gcc', ['exec.c']],
  ['heap', 'gcc', ['heap.c', '-lm']],
  ['heap-static-pie', 'gcc', ['-static-pie', 'heap.c', '-lm']],
  ['cxx', 'g++', ['cxx.cc']],
  ['cxx-static-pie', 'g++', ['-static-pie', 'cxx.cc']],
  ['libplugin.so', 'gcc', ['-shared', '-fPIC', 'plugin.c']],
  ['dlopen', 'gcc', ['dlopen.c', '-ldl']],
];

interface Outcome { stdout: string; stderr: string; status: number | null }

/** asynchronous: a synchronous spawn this long starves vitest's worker of its RPC heartbeat */
function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}, timeout = 170_000): Promise<Outcome> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: work, env: { ...env, ...extraEnv }, timeout });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', rej);
    child.on('close', (status) => res({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), status }));
  });
}

/** the program under qemu and translated, with the same arguments, environment and directory */
async function compare(prog: string, args: string[], how: 'flag' | 'env' = 'flag', runOptions: string[] = [], timeout?: number): Promise<Outcome> {
  const expected = await (how === 'flag'
    ? run('qemu-aarch64', ['-L', SYSROOT, `./${prog}`, ...args])
    : run('qemu-aarch64', [`./${prog}`, ...args], { QEMU_LD_PREFIX: SYSROOT }));
  const actual = await (how === 'flag'
    ? run(process.execPath, [BIN, 'run', ...runOptions, '-L', SYSROOT, `./${prog}`, ...args], {}, timeout)
    : run(process.execPath, [BIN, 'run', ...runOptions, `./${prog}`, ...args], { QEMU_LD_PREFIX: SYSROOT }, timeout));
  expect(actual).toEqual(expected);
  return actual;
}

suite(`dynamic and static-pie executables against qemu-aarch64 -L ${SYSROOT}${why}`, () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'elf2wasm-dynamic-'));
    env = { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: join(work, 'cache'), GREETING: 'hi there' };
    for (const [out, cc, flags] of BUILDS) {
      await promisify(execFile)(cc === 'musl-gcc' ? 'aarch64-linux-musl-gcc' : `aarch64-linux-gnu-${cc}`, ['-O2', '-o', join(work, out), ...flags.map((f) => (/\.(c|cc)$/.test(f) ? join(SRC, f) : f))]);
    }
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  // first: it translates libc.so.6 and libm.so.6 (~350,000 instructions), minutes on a busy machine
  it('libraries translated on their own: heap.c with libc.so.6 and libm.so.6, then hello reuses the cached libc.so.6', async () => {
    const cache = join(work, 'cache');
    await compare('heap', [], 'flag', [], 550_000);
    const [libc, ...more] = cacheEntries(cache, 'libc.so.6');
    expect(more).toEqual([]);
    expect(libc).toBeDefined();
    expect(cacheEntries(cache, 'libm.so.6')).toHaveLength(1);
    // nothing is left to lift at run time (with libc lifted at run time, ~48,000 instructions),
    // not even vfprintf's computed gotos, whose label offsets sit in a table read through a
    // spilled register (discover.ts sweeps such a function for code only jumps reach)
    const traced = await run(process.execPath, [BIN, 'run', '--trace', '-L', SYSROOT, './heap']);
    const lifted = /run-time lifting: \d+ lifts, \d+ functions, (\d+) instructions/.exec(traced.stderr);
    expect(lifted, traced.stderr.slice(-2000)).not.toBeNull();
    expect(Number(lifted![1]), traced.stderr.split('\n').filter((l) => l.includes('lifted')).join('\n')).toBe(0);
    expect(traced.stderr).toContain('/lib/libc.so.6 mapped at');
    // a second program loading the same libc.so.6: its translation comes from the cache (the same
    // entry, not written again), and only the program itself is translated
    const hello = await run(process.execPath, [BIN, 'run', '--trace', '-L', SYSROOT, './hello', 'x']);
    expect(hello.stderr).toMatch(/library \/lib\/libc\.so\.6: cached translation/);
    expect(cacheEntries(cache, 'libc.so.6')).toEqual([libc]);
    expect(cacheEntries(cache, 'hello')).toHaveLength(1);
    expect(hello.status).toBe(42);
    await compare('hello', ['x']);
    // opted out: libc.so.6 lifted at run time, as qemu still
    await compare('hello', ['y'], 'flag', ['--no-translate-libraries']);
  }, 900_000);
  it('another libc.so.6 of the same name and size (LD_LIBRARY_PATH) does not run the translation made from the sysroot\'s', async () => {
    // the sysroot's libc with one byte of its build-id changed: the same code, another file
    const bytes = readFileSync(join(SYSROOT, 'lib/libc.so.6'));
    const note = parseElf(bytes).sections.find((s) => s.name === '.note.gnu.build-id')!;
    bytes[note.offset + 16]! ^= 0xff; // the first byte of the id, after the note's header and "GNU\0"
    mkdirSync(join(work, 'other-libc'));
    writeFileSync(join(work, 'other-libc/libc.so.6'), bytes);
    const env = { LD_LIBRARY_PATH: join(work, 'other-libc') };
    const expected = await run('qemu-aarch64', ['-L', SYSROOT, './hello', 'z'], env);
    expect(await run(process.execPath, [BIN, 'run', '-L', SYSROOT, './hello', 'z'], env)).toEqual(expected);
    const traced = await run(process.execPath, [BIN, 'run', '--trace', '-L', SYSROOT, './hello', 'z'], env);
    expect(traced.stderr).toContain('libc.so.6 mapped at');
    expect(traced.stderr).toContain('holds other code than its translation was made from: it is lifted at run time');
  }, 600_000);
  it('hello: argv, environment, stderr, exit status (dynamic PIE)', async () => {
    const r = await compare('hello', ['one', 'two words']);
    expect(r.status).toBe(43); // the reference ran: argc + 40
  });
  it('hello as static-pie (self-relocating, no interpreter)', async () => {
    await compare('hello-static-pie', ['one', 'two words']);
  });
  it('a fixed-address (-no-pie) dynamic executable, checked with memory protection', async () => {
    await compare('hello-no-pie', ['a'], 'flag', ['--protect', 'full']);
  });
  for (const mode of ['pages', 'full']) {
    it(`under protect '${mode}': libc.so.6 translated ahead of time with page checks (at the page table every such program keeps)`, async () => {
      await compare('hello', ['p'], 'flag', ['--protect', mode]);
      const traced = await run(process.execPath, [BIN, 'run', '--trace', '--protect', mode, '-L', SYSROOT, './hello', 'p']);
      expect(traced.stderr).toMatch(/libc\.so\.6 mapped at 0x[0-9a-f]+: its translation \(\d+ functions\) is installed/);
    }, 600_000);
  }
  it('musl: its dynamic loader (libc.so itself) as the interpreter', async () => {
    await compare('hello-musl', ['a', 'b']);
  });
  // exec'd children under the reference need binfmt_misc (and take the sysroot from QEMU_LD_PREFIX)
  it.skipIf(!binfmt && !process.env.CI)(`fork and exec of dynamic programs (/proc/self/exe, another program)${binfmt ? '' : ' (skipped: qemu-aarch64 not registered with binfmt_misc)'}`, async () => {
    expect((await compare('exec', [], 'env')).stdout).toContain('parent: hello exited 42');
  });
  it('the sysroot from QEMU_LD_PREFIX, as qemu takes it', async () => {
    await compare('hello', ['x'], 'env');
  });
  it('malloc (brk and mmap), qsort, printf conversions: dynamic and static-pie', async () => {
    expect((await compare('heap', [])).stdout).toMatch(/^min /);
    await compare('heap-static-pie', []);
  });
  it('C++ through libstdc++.so.6: iostreams, virtual calls, exceptions across frames', async () => {
    // libstdc++.so.6 and libgcc_s.so.1 are translated here first
    expect((await compare('cxx', [], 'flag', [], 550_000)).stdout).toContain('caught: bottom reached');
    await compare('cxx-static-pie', []);
  }, 600_000);
  it('dlopen() of a library of its own, dlsym, calls into it, a missing library', async () => {
    expect((await compare('dlopen', [])).stdout).toContain('sum 45');
  });
});
