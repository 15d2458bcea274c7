// Whole runs timed in Node, each a fresh process: the translation, then per program qemu-aarch64,
// elf2wasm run (translation cached), clang's wasm32-wasi build (Node's default tiering and
// --no-liftoff) and the x86-64 build, each `runs` times interleaved, keeping the median.
// With ctx.instructions, elf2wasm run and the clang build also run once under callgrind with
// `node --no-liftoff`, counting the instructions of the whole process (see countedRunner).
import { readFileSync, rmSync } from 'node:fs';
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
    ...(ctx.instructions ? {
      oursCounted: countedRunner(['node', ['--no-liftoff', ctx.cli, 'run', built.elf, ...built.args]], ctx),
      clangCounted: countedRunner(wasm(['--no-liftoff']), ctx),
    } : {}),
  };
}

/**
 * `runner` under callgrind, its own output in a log file (the program's stdout and stderr stay
 * the program's). Wall times here vary by 10–20 % between identical runs, and instruction counts
 * under V8's default tiering by as much (when optimised code arrives depends on scheduling);
 * with --no-liftoff everything runs optimised from the start and a count repeats within ~1 %,
 * Wasm compilation included: the measure for comparing two builds of the translator.
 */
function countedRunner(runner, ctx) {
  if (!Array.isArray(runner)) return runner;
  if (ctx.valgrindProblem) return { skip: ctx.valgrindProblem };
  const log = join(ctx.cacheDir, '..', `callgrind-${process.pid}.log`);
  return ['valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', `--log-file=${log}`, runner[0], ...runner[1]], log];
}

/** the instructions callgrind counted, from its log (removed once read) */
function counted(log) {
  const text = readFileSync(log, 'utf8');
  rmSync(log, { force: true });
  return Number(/I\s+refs:\s+([\d,]+)/.exec(text)?.[1].replaceAll(',', '') ?? NaN);
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
      if (!Array.isArray(r) || (r[2] && i > 0)) continue; // counted once
      const run = timed(r[0], r[1], env);
      if (r[2]) run.instructions = counted(r[2]);
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
