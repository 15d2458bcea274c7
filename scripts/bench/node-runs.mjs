// Whole runs timed in Node, each a fresh process: the translation, then per program qemu-aarch64,
// elf2wasm run (translation cached), clang's wasm32-wasi build (Node's default tiering and
// --no-liftoff) and the x86-64 build, each `runs` times interleaved, keeping the median.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './toolchain.mjs';

function timed(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = sh(cmd, args, { env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return { ms, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** the runners of one program: name → [command, args], or { skip: reason } */
export function runners(built, ctx) {
  const runWasi = join(ctx.root, 'scripts/run-wasi.mjs');
  const wasm = (flags) => (typeof built.wasm === 'string' ? ['node', [runWasi, ...flags, built.wasm, ...built.args]] : built.wasm);
  return {
    qemu: ['qemu-aarch64', [built.elf, ...built.args]],
    ours: ['node', [ctx.cli, 'run', built.elf, ...built.args]],
    ...(ctx.protect ? { guarded: ['node', [ctx.cli, 'run', `--protect=${ctx.protect}`, built.elf, ...built.args]] } : {}),
    clang: wasm([]),
    clangNoLiftoff: wasm(['--no-liftoff']),
    native: typeof built.native === 'string' ? [built.native, built.args] : built.native,
  };
}

/**
 * Translates `built.elf` cold into `wasmOut` (timed), warms the run cache, then times every
 * runner. Returns { translateMs, results: name → { ms, stdout, stderr, status } | { skip } }.
 */
export function measureInNode(built, wasmOut, ctx) {
  const env = { ELF2WASM_CACHE_DIR: ctx.cacheDir };
  rmSync(ctx.cacheDir, { recursive: true, force: true });
  const tr = timed('node', [ctx.cli, built.elf, '-o', wasmOut], env);
  if (tr.status !== 0) throw new Error(`elf2wasm ${built.elf} failed:\n${tr.stderr}`);
  const list = runners(built, ctx);
  for (const name of ['ours', 'guarded']) if (list[name]) timed(...list[name], env); // translate into the cache
  const times = {};
  const last = {};
  for (let i = 0; i < ctx.runs; i++) {
    for (const [name, r] of Object.entries(list)) {
      if (!Array.isArray(r)) continue;
      const run = timed(...r, env);
      // a run whose output differs from the first's is reported, not averaged away
      if (last[name] && (run.stdout !== last[name].stdout || run.status !== last[name].status)) run.varies = true;
      last[name] = { ...run, varies: run.varies || last[name]?.varies };
      (times[name] ??= []).push(run.ms);
    }
  }
  const results = {};
  for (const [name, r] of Object.entries(list)) results[name] = Array.isArray(r) ? { ...last[name], ms: median(times[name]) } : r;
  return { translateMs: tr.ms, results };
}
