// Real Debian arm64 dynamic executables (issue 12): grep, sed, gawk, jq, coreutils tools and
// CPython from Debian's packages, with the libraries they load (libc6, libpcre2-8-0, libselinux1, libacl1,
// libattr1, libgmp10, libmpfr6, libreadline8, libtinfo6, libsigsegv2, libjq1, libonig5,
// libexpat1, zlib1g, and python3.11's standard modules from libpython3.11-minimal) unpacked
// into a sysroot of Debian's own files (test/.debian/dynamic/root, git-ignored, fetched with one
// `apt-get download` on first use), run by `elf2wasm run -L SYSROOT` and by
// `qemu-aarch64 -L SYSROOT` on the same files and stdin: identical stdout, stderr, status. These
// binaries are stripped PIEs: discovery has only .dynsym, eh_frame and the relocated data. Their
// libraries are translated each on its own and cached by content, shared by every case of the file:
// one libc.so.6 for all tools, one libgmp.so.10 for expr, factor and gawk.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEntries } from './helpers/cache-entries.ts';

const CACHE = resolve(import.meta.dirname, '.debian/dynamic');
const ROOT = join(CACHE, 'root');
const BIN = resolve(import.meta.dirname, '../bin/elf2wasm.js');
// the tools and every library their DT_NEEDED entries (and those of their libraries) name
const PACKAGES = ['grep', 'sed', 'gawk', 'jq', 'coreutils', 'libc6', 'libpcre2-8-0', 'libselinux1', 'libacl1', 'libattr1',
  'libgmp10', 'libmpfr6', 'libreadline8', 'libtinfo6', 'libsigsegv2', 'libjq1', 'libonig5',
  'python3.11-minimal', 'libpython3.11-minimal', 'libexpat1', 'zlib1g'];
/** written after a complete unpack: a sysroot from an older package list is fetched again */
const FETCHED = join(CACHE, 'packages.txt');

/** a command's exit status and stderr, without holding up this worker's event loop (vitest's RPC
 *  times out when a download of these packages keeps it busy for a minute, as spawnSync did) */
function command(cmd: string, args: string[], cwd?: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', (e) => res({ status: null, stderr: String(e) }));
    child.on('close', (status) => res({ status, stderr }));
  });
}

/** downloads and unpacks the packages once; the reason it could not, or undefined */
async function fetchSysroot(): Promise<string | undefined> {
  if (existsSync(FETCHED) && readFileSync(FETCHED, 'utf8') === PACKAGES.join('\n')) return undefined;
  const debs = join(CACHE, 'debs');
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  const dl = await command('apt-get', ['download', ...PACKAGES.map((p) => `${p}:arm64`)], debs);
  if (dl.status !== 0) return `apt-get download ${PACKAGES.join(' ')} (arm64) failed: ${dl.stderr.trim().split('\n').at(-1)}`;
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
    const x = await command('dpkg-deb', ['-x', join(debs, deb), ROOT]);
    if (x.status !== 0) return `dpkg-deb -x ${deb} failed: ${x.stderr}`;
  }
  writeFileSync(FETCHED, PACKAGES.join('\n'));
  return undefined;
}

const hasQemu = spawnSync('sh', ['-c', 'command -v qemu-aarch64']).status === 0;
const unavailable = hasQemu ? await fetchSysroot() : 'qemu-aarch64 not installed';
const suite = unavailable && !process.env.CI ? describe.skip : describe;

let work: string;

interface Outcome { stdout: string; stderr: string; status: number | null }

/** long enough for the first run, which translates libc.so.6 and the tool's other libraries; `stdin` through a pipe */
function run(cmd: string, args: string[], stdin = ''): Promise<Outcome> {
  return new Promise((res, rej) => {
    const env = { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: join(work, 'cache'), LC_ALL: 'C' };
    const child = spawn(cmd, args, { cwd: work, env, timeout: 500_000, killSignal: 'SIGKILL' });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {}); // a tool that exits before reading all of it (head) closes the pipe
    child.stdin.end(stdin);
    child.on('error', rej);
    child.on('close', (status) => res({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), status }));
  });
}

/** a tool of the sysroot: Debian's coreutils are split between /bin and /usr/bin */
function executable(tool: string): string {
  const bin = join(ROOT, 'bin', tool);
  return existsSync(bin) ? bin : join(ROOT, 'usr/bin', tool);
}

async function compare(tool: string, args: string[], stdin?: string): Promise<Outcome> {
  const exe = executable(tool);
  const expected = await run('qemu-aarch64', ['-L', ROOT, exe, ...args], stdin);
  // the tool ran under the reference: a library missing from the sysroot fails both alike
  expect(expected.stderr).not.toMatch(/error while loading shared libraries/);
  const actual = await run(process.execPath, [BIN, 'run', '-L', ROOT, exe, ...args], stdin);
  expect(actual).toEqual(expected);
  return actual;
}

/** `--trace` shows each of these libraries' translations installed when ld.so maps it (not lifted at run time) */
async function expectTranslationsInstalled(tool: string, args: string[], libraries: string[]): Promise<void> {
  const traced = await run(process.execPath, [BIN, 'run', '--trace', '-L', ROOT, executable(tool), ...args]);
  for (const lib of libraries) {
    expect(traced.stderr).toMatch(new RegExp(`/${lib.replace(/\./g, '\\.')} mapped at 0x[0-9a-f]+: its translation \\(\\d+ functions\\) is installed`));
  }
}

/**
 * `first` translates `libraries` (one cache entry each per protection: a tool that installs a
 * SIGSEGV handler, grep and gawk, runs translated with 'full' once a run has seen it do so,
 * cache.ts faultHandlerProtect); `then`, other tools loading them too, reads those entries
 * rather than writing them again
 */
async function expectShared(libraries: string[], first: () => Promise<unknown>, then: () => Promise<unknown>): Promise<void> {
  const cache = join(work, 'cache');
  const entries = () => libraries.map((name) => cacheEntries(cache, name));
  const onePerProtection = (of: ReturnType<typeof entries>) => of.map((e) => e.map((x) => x.protect).sort()).map((p) => p.length === new Set(p).size && p.length > 0);
  await first();
  const shared = entries();
  expect(onePerProtection(shared)).toEqual(libraries.map(() => true));
  await then();
  const after = entries();
  expect(onePerProtection(after)).toEqual(libraries.map(() => true));
  shared.forEach((e, k) => expect(after[k]).toEqual(expect.arrayContaining(e)));
}

/** 20000 lines of `key,word,n`, in no order: enough for sort to merge runs from temporary files */
function bigCsv(): string {
  const words = ['qwert', 'asdfg', 'zxcvb', 'yuiop', 'hjkl', 'nm'];
  let text = '';
  for (let i = 1; i <= 20000; i++) text += `${(i * 7919) % 10007},${words[i % words.length]},${i}\n`;
  return text;
}

suite(`Debian's dynamic grep, sed, gawk, jq, coreutils and python3.11 against qemu-aarch64 -L${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(() => {
    if (unavailable) throw new Error(unavailable); // only reached in CI
    work = mkdtempSync(join(tmpdir(), 'elf2wasm-debian-dyn-'));
    writeFileSync(join(work, 'in.txt'), 'alpha\nbeta 42\ngamma\nbeta 7\nBETA 9\n');
    writeFileSync(join(work, 'data.csv'), 'name,qty,price\npear,3,1.25\napple,10,0.5\nfig,7,2.75\n');
    writeFileSync(join(work, 'big.csv'), bigCsv());
    writeFileSync(join(work, 'in.json'), '{"a":1,"b":[1,2,3],"c":{"d":"x"},"items":[{"n":"pear","p":1.25},{"n":"fig","p":2.75}]}\n');
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
    // sed loads them too (libpcre2 through libselinux)
    await expectShared(['libc.so.6', 'libpcre2-8.so.0'], () => compare('grep', ['-c', 'a', 'in.txt']), () => compare('sed', ['-n', '$=', 'in.txt']));
    expect(cacheEntries(join(work, 'cache'), 'libselinux.so.1')).toHaveLength(1);
    // and their translations ran: each library's module installed when ld.so mapped it
    await expectTranslationsInstalled('sed', ['-n', '$=', 'in.txt'], ['libc.so.6', 'libpcre2-8.so.0', 'libselinux.so.1', 'libacl.so.1']);
  }, 900_000);

  it('coreutils: sort (numeric keys, and a merge of temporary files by two threads), wc, cut, tr, head, sha256sum on files and stdin', async () => {
    const big = readFileSync(join(work, 'big.csv'), 'utf8');
    expect((await compare('sort', ['-t,', '-k3,3n', 'data.csv'])).stdout).toBe('name,qty,price\napple,10,0.5\npear,3,1.25\nfig,7,2.75\n');
    await compare('sort', ['--parallel=2', '-S', '100K', '-t,', '-k2,2', '-k1,1nr', 'big.csv']);
    await compare('sort', ['-f', '-u', '-r'], 'b\nB\na\nc\nb\n');
    expect((await compare('sort', ['-c', 'big.csv'])).status).toBe(1);
    expect((await compare('wc', ['in.txt', 'big.csv'])).stdout).toContain('20000');
    await compare('wc', ['-l'], big);
    await compare('cut', ['-d,', '-f1,3', 'data.csv']);
    await compare('cut', ['-c2-4', '--complement', 'in.txt']);
    expect((await compare('tr', ['a-z', 'A-Z'], 'alpha beta\n')).stdout).toBe('ALPHA BETA\n');
    await compare('tr', ['-cs', 'a-z0-9', '\\n'], big);
    await compare('head', ['-n', '2', 'in.txt', 'data.csv']);
    await compare('head', ['-c', '100'], big);
    await compare('head', ['-n', '-19997', 'big.csv']);
    expect((await compare('sha256sum', ['in.txt', 'big.csv'])).stdout).toMatch(/^[0-9a-f]{64} {2}in\.txt\n/);
    await compare('sha256sum', [], big);
    expect((await compare('wc', ['no-such-file', 'in.txt'])).status).toBe(1);
  }, 900_000);

  it('coreutils: ls (long listing, whose ACL and SELinux lookups go through the xattr syscalls), date with a fixed -d, expr and factor (libgmp)', async () => {
    const doc = join(ROOT, 'usr/share/doc/jq');
    expect((await compare('ls', ['-la', '--time-style=long-iso', doc])).stdout).toMatch(/^total \d+\n/);
    await compare('ls', ['-1', '-F', '--color=always', doc, join(ROOT, 'usr/lib')]);
    expect((await compare('ls', ['-d', 'no-such-file', 'in.txt'])).status).toBe(2);
    expect((await compare('date', ['-u', '-d', '2024-02-29 13:45:00', '+%Y-%m-%d %H:%M:%S %A %j %s'])).stdout).toBe('2024-02-29 13:45:00 Thursday 060 1709214300\n');
    await compare('date', ['-u', '-d', '@1700000000', '-R']);
    await compare('date', ['-u', '-d', '2024-01-01 +3 weeks', '+%F %a %U %V']);
    expect((await compare('date', ['-d', 'bogus'])).status).toBe(1);
    expect((await compare('expr', ['123456789012345678901234567890', '*', '98765432109876543210'])).stdout).toBe('12193263113702179522496570642237463801111263526900\n');
    await compare('expr', ['abcdef', ':', 'a\\(.*\\)e']);
    expect((await compare('expr', ['3', '/', '0'])).status).toBe(2);
    expect((await compare('factor', ['600851475143', '340282366920938463463374607431768211455'])).stdout).toContain('600851475143: 71 839 1471 6857\n');
  }, 900_000);

  it('gawk: fields and sums, sorted arrays, printf and math, -M (libmpfr, libgmp), regex functions, getline, exit statuses', async () => {
    expect((await compare('gawk', ['-F,', 'NR>1 { s += $2*$3 } END { printf "%.2f %d\\n", s, NR }', 'data.csv'])).stdout).toBe('28.00 4\n');
    await compare('gawk', ['-F,', '{ s[$2] += $3 } END { n = asorti(s, k); for (i = 1; i <= n; i++) printf "%s %d %.3f\\n", k[i], s[k[i]], log(s[k[i]]) }', 'big.csv']);
    await compare('gawk', ['BEGIN { srand(42); printf "%.6f %.6f\\n", rand(), rand(); print strftime("%Y-%m-%d", 0, 1); print sin(1), atan2(1, 2), exp(2), int(-3.7) }']);
    await compare('gawk', ['BEGIN { printf "%c%c|%-5s|%05.1f|%x|%o|%e\\n", 65, "bc", "ab", 3.14159, 255, 8, 1e-300 }']);
    expect((await compare('gawk', ['-M', 'BEGIN { print 2^100; x = 1; for (i = 1; i <= 30; i++) x *= i; print x }'])).stdout).toBe('1267650600228229401496703205376\n265252859812191058636308480000000\n');
    await compare('gawk', ['{ print toupper(substr($0, 2, 3)), gensub(/([a-z])([a-z])/, "\\\\2\\\\1", "g"), match($0, /[0-9]+/), RSTART, RLENGTH }'], 'alpha beta 42\ngamma\n');
    await compare('gawk', ['BEGIN { while ((getline l < "in.txt") > 0) n++; print n; print "to stderr" > "/dev/stderr" }']);
    expect((await compare('gawk', ['BEGIN { exit 3 }'])).status).toBe(3);
    expect((await compare('gawk', ['BEGIN { print 1'])).status).toBe(1);
  }, 900_000);

  it('jq: pretty and compact output, paths, math (libm), dates, formats, regexes (libonig), errors', async () => {
    expect((await compare('jq', ['.c', 'in.json'])).stdout).toBe('{\n  "d": "x"\n}\n');
    await compare('jq', ['-c', '.b | map(. * 2), (.items | sort_by(-.p) | map(.n))', 'in.json']);
    await compare('jq', ['-r', '.c.d, (.b | add), (keys | join(",")), ([paths] | length)', 'in.json']);
    await compare('jq', ['-n', '3.14159 | floor, sqrt, (. * 100 | round), log, pow(2; 10), (1 / 3)']);
    await compare('jq', ['-n', '"2015-03-05T23:51:47Z" | fromdate, (1425599507 | todate), ("hello" | @base64, @uri, @sh, @html), ("aGVsbG8=" | @base64d)']);
    await compare('jq', ['-n', '"abc" | test("B"; "i"), ("a-b-c" | split("-")), ("foo123" | sub("[0-9]+"; "X")), ([match("(a)(b)"; "g").captures[].string])']);
    await compare('jq', ['-s', '-c', 'map(.a)', 'in.json', 'in.json']);
    await compare('jq', ['--arg', 'x', 'hi', '--argjson', 'y', '{"z":1}', '-n', '-c', '[$x, $y, input_filename]']);
    await compare('jq', ['-c', '.[] | select(. > 1)'], '[1,2,3]\n');
    expect((await compare('jq', ['.a | test("x")', 'in.json'])).status).toBe(5);
    expect((await compare('jq', ['.b[', 'in.json'])).status).toBe(3);
  }, 900_000);

  // CPython's eval loop (_PyEval_EvalFrameDefault, 15k instructions) dispatches through the same
  // table after each of its handlers: one shared dispatch node (wasm/function.ts shareDispatch),
  // without which V8 spent ~30 s optimising it and every run waited for that before exiting
  it('python3.11: integers, containers, exceptions, classes and generators, json and re, recursion, stdin, exit statuses', async () => {
    expect((await compare('python3.11', ['-c', 'print("hi", 2**100, 7/2, 7//2, -7 % 3, divmod(17, 5), round(2.675, 2), 0.1 + 0.2)'])).stdout).toBe('hi 1267650600228229401496703205376 3.5 3 2 (3, 2) 2.67 0.30000000000000004\n');
    await compare('python3.11', ['-c', [
      'class P:', '  def __init__(s, n): s.n = n', '  def __repr__(s): return f"P({s.n})"',
      'xs = sorted([P(3), P(1), P(2)], key=lambda p: -p.n); print(xs, {p.n: str(p) for p in xs})',
      'def gen(n):', '  for i in range(n): yield i * i',
      'print(sum(gen(1000)), list(zip("abc", gen(3))), set("hello") == {"h", "e", "l", "o"})',
      'try:', '  {}["k"]', 'except KeyError as e: print("KeyError", e)',
      'def f(n): return n if n < 2 else f(n - 1) + f(n - 2)', 'print(f(18))',
    ].join('\n')]);
    await compare('python3.11', ['-c', 'import json, re; d = json.loads(\'{"a": [1, 2.5, null], "b": "x"}\'); print(json.dumps(d, sort_keys=True)); print(re.sub(r"(\\w+) (\\w+)", r"\\2 \\1", "hello world"), re.findall(r"\\d+", "a1b22c333"))']);
    await compare('python3.11', ['-c', 'import sys; data = sys.stdin.read(); print(len(data.split()), data.upper(), end="")'], 'alpha beta\ngamma\n');
    expect((await compare('python3.11', ['-c', 'raise SystemExit(4)'])).status).toBe(4);
    expect((await compare('python3.11', ['-c', '1/0'])).status).toBe(1);
  }, 900_000);

  // A Python loop runs in the eval loop's handlers and dispatch only: its one interrupt point is
  // the re-entry at the shared dispatch (wasm/reentry.ts), where SIGALRM's C handler runs and
  // another thread gets its turn (CPython hands its GIL over there too)
  it('python3.11: a pure-Python loop ended by SIGALRM, and by another thread', async () => {
    expect((await compare('python3.11', ['-c', [
      'import signal', 'flag = [0]', 'def h(*a): flag[0] = 1', 'signal.signal(signal.SIGALRM, h)',
      'signal.setitimer(signal.ITIMER_REAL, 0.05)', 'n = 0', 'while not flag[0]: n += 1', 'print("alarm", n > 0)',
    ].join('\n')])).stdout).toBe('alarm True\n');
    expect((await compare('python3.11', ['-c', [
      'import threading, time', 'stop = False', 'def busy():', '  n = 0', '  while not stop: n += 1',
      't = threading.Thread(target=busy); t.start(); time.sleep(0.05); stop = True; t.join(); print("joined")',
    ].join('\n')])).stdout).toBe('joined\n');
  }, 900_000);

  it('the tools share the translations of the libraries they all load, and each library of gawk and jq runs translated', async () => {
    // gawk loads both too, wc libc
    await expectShared(['libc.so.6', 'libgmp.so.10'], () => compare('expr', ['2', '+', '2']), async () => {
      await compare('gawk', ['BEGIN { print 1 }']);
      await compare('wc', ['-c', 'in.txt']);
    });
    await expectTranslationsInstalled('gawk', ['BEGIN { print 1 }'],
      ['libsigsegv.so.2', 'libreadline.so.8', 'libmpfr.so.6', 'libgmp.so.10', 'libm.so.6', 'libc.so.6', 'libtinfo.so.6']);
    await expectTranslationsInstalled('jq', ['-n', '1'], ['libjq.so.1', 'libonig.so.5', 'libm.so.6', 'libc.so.6']);
  }, 900_000);
});
