// npm run bench: compute programs translated by elf2wasm vs qemu-aarch64 vs the same C compiled
// by clang --target=wasm32-wasi -O2, in one run, as ratios. Outputs must match qemu's.
// Needs the Debian toolchain (see README); every missing tool is reported and skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'test/fixtures/bench');
const out = join(root, '.cache/bench');
mkdirSync(out, { recursive: true });
// `--protect=MODE` (bounds, full) also times each program translated with that memory protection
const protectArg = process.argv.slice(2).find((a) => a.startsWith('--protect='));
const protect = protectArg?.slice('--protect='.length);
const only = process.argv.slice(2).filter((a) => a !== protectArg);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });

if (!has('aarch64-linux-gnu-gcc') || !has('qemu-aarch64')) {
  console.error('bench: needs aarch64-linux-gnu-gcc and qemu-aarch64 (apt-get install gcc-aarch64-linux-gnu qemu-user)');
  process.exit(1);
}
const wasiSysroot = ['/usr/share/wasi-sysroot', '/usr'].find((d) => existsSync(join(d, 'lib/wasm32-wasi/crt1-command.o')));
const clangWasm = has('clang') && wasiSysroot !== undefined;
if (!clangWasm) console.error('bench: clang + wasi-libc not installed: no wasm32-wasi baseline (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)');
const elf2wasm = join(root, 'bin/elf2wasm.js');
const cacheDir = join(out, 'translation-cache');

function time(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = sh(cmd, args, { env: { ...process.env, ELF2WASM_CACHE_DIR: cacheDir } });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const rows = [];
for (const file of readdirSync(src).filter((f) => f.endsWith('.c')).sort()) {
  const name = file.replace(/\.c$/, '');
  if (only.length && !only.includes(name)) continue;
  const elf = join(out, `${name}.elf`);
  const wasm = join(out, `${name}.wasm`);
  let r = sh('aarch64-linux-gnu-gcc', ['-static', '-O2', '-o', elf, join(src, file), '-lm']);
  if (r.status) { console.error(r.stderr); process.exit(1); }
  if (clangWasm) {
    r = sh('clang', ['--target=wasm32-wasi', `--sysroot=${wasiSysroot}`, '-O2', '-o', wasm, join(src, file), '-lm']);
    if (r.status) { console.error(`clang failed for ${name}:\n${r.stderr}`); }
  }
  // translation time (cold), then the run with the cached translation
  sh('rm', ['-rf', cacheDir]);
  const tr = time('node', [elf2wasm, elf, '-o', join(out, `${name}.translated.wasm`)]);
  time('node', [elf2wasm, 'run', elf]); // warm the cache
  if (protect) time('node', [elf2wasm, 'run', `--protect=${protect}`, elf]);
  const q = time('qemu-aarch64', [elf]);
  const ours = time('node', [elf2wasm, 'run', elf]);
  const guarded = protect ? time('node', [elf2wasm, 'run', `--protect=${protect}`, elf]) : undefined;
  const base = clangWasm && existsSync(wasm) ? time('node', [join(root, 'scripts/run-wasi.mjs'), wasm]) : undefined;
  const same = ours.stdout === q.stdout && ours.status === q.status;
  rows.push({
    program: name,
    'translate s': (tr.ms / 1000).toFixed(2),
    'qemu s': (q.ms / 1000).toFixed(2),
    'elf2wasm s': (ours.ms / 1000).toFixed(2),
    'clang-wasm s': base ? (base.ms / 1000).toFixed(2) : '-',
    'qemu/elf2wasm': (q.ms / ours.ms).toFixed(2),
    'clang-wasm/elf2wasm': base ? (base.ms / ours.ms).toFixed(2) : '-',
    ...(guarded ? { [`protect=${protect} s`]: (guarded.ms / 1000).toFixed(2), [`protect=${protect}/elf2wasm`]: (guarded.ms / ours.ms).toFixed(2) } : {}),
    output: same && (!guarded || (guarded.stdout === q.stdout && guarded.status === q.status)) ? 'same as qemu' : `DIFFERS (status ${ours.status}: ${(ours.stderr || ours.stdout).trim().split('\n').pop()})`,
  });
}
console.table(rows);
console.log('ratios > 1 mean elf2wasm is faster than the other; wall times include Node start-up and Wasm compilation.');
