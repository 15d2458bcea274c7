// npm run bench: compute programs translated by elf2wasm vs qemu-aarch64 vs the same C compiled
// by clang --target=wasm32-wasi -O2 (run with Node's default tiering and with --no-liftoff) vs
// gcc for x86-64, in one run, as ratios. Outputs must match qemu's.
//
//   npm run bench -- [--browser] [--runs=N] [--protect=MODE] [--dist=DIR] [--instructions] [program...]
//
//   --browser       also run the translated programs and the clang builds in headless chromium
//                   (no V8 flags) and print the same table for them
//   --runs=N        time every run N times and keep the median (default 1)
//   --protect=MODE  also time elf2wasm run --protect=MODE (bounds, full)
//   --dist=DIR      time the elf2wasm of another build (npx tsup --no-dts -d DIR) instead of dist/
//   --instructions  also count the instructions of elf2wasm run and of the clang build under
//                   callgrind with node --no-liftoff (valgrind; ~50 times slower): repeatable to
//                   ~1 % where wall times vary by 10-20 %, so two builds compare (--dist)
//
// Needs aarch64-linux-gnu-gcc and qemu-aarch64; every other missing tool is named (with its Debian
// package) and its column shows '-'. Builds and translations go to .cache/bench/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { measureInBrowser } from './bench/browser.mjs';
import { measureInNode } from './bench/node-runs.mjs';
import { build, debianDrivers, listPrograms } from './bench/programs.mjs';
import { printSkipped, printTable, row } from './bench/table.mjs';
import { elf2wasmCli, findToolchain } from './bench/toolchain.mjs';

const root = resolve(import.meta.dirname, '..');
const out = join(root, '.cache/bench');
mkdirSync(out, { recursive: true });

// setup errors (options, missing toolchain or build) end the bench with their message alone
process.on('uncaughtException', (e) => {
  console.error(e.message.startsWith('bench') ? e.message : e.stack);
  process.exit(1);
});

const opts = { browser: false, runs: 1, protect: undefined, dist: undefined, instructions: false, only: [] };
for (const a of process.argv.slice(2)) {
  const [flag, value] = a.split(/=(.*)/s);
  if (flag === '--browser') opts.browser = true;
  else if (flag === '--runs' && Number(value) >= 1) opts.runs = Number(value);
  else if (flag === '--protect' && value) opts.protect = value;
  else if (flag === '--dist' && value) opts.dist = resolve(value);
  else if (a === '--instructions') opts.instructions = true;
  else if (a.startsWith('-')) throw new Error(`bench: unknown option ${a} (see the header of scripts/bench.mjs)`);
  else opts.only.push(a);
}

const tools = findToolchain();
for (const problem of [tools.clangWasm, tools.native, opts.instructions && tools.valgrind]) if (problem) console.error(`bench: ${problem}: that column shows '-'`);
const programs = listPrograms(root).filter((p) => !opts.only.length || opts.only.includes(p.name));
const unknown = opts.only.filter((n) => !programs.some((p) => p.name === n));
if (unknown.length) throw new Error(`bench: no program ${unknown.join(', ')} in test/fixtures/bench`);
const drivers = programs.some((p) => p.driver) ? debianDrivers(root) : {};
if (drivers.problem) console.error(`bench: the Lua and SQLite drivers are missing (${drivers.problem}): those rows fail`);

const ctx = {
  root, cli: elf2wasmCli(root, opts.dist, out), cacheDir: join(out, 'translation-cache'), runs: opts.runs, protect: opts.protect,
  instructions: opts.instructions, valgrindProblem: tools.valgrind,
};
const measured = [];
const nodeRows = [];
let failed = false;
for (const p of programs) {
  try {
    const built = build(root, p, out, tools, drivers);
    const translated = join(out, `${p.name}.translated.wasm`);
    const m = measureInNode(built, translated, ctx);
    measured.push({ program: p, built, translated, ...m });
    nodeRows.push(row(p.name, m.translateMs, m.results));
    process.stderr.write(`bench: ${p.name} done\n`);
  } catch (e) {
    failed = true;
    console.error(`bench: ${p.name} FAILED: ${e.message}`);
  }
}
const when = `${new Date().toISOString()}, ${opts.runs === 1 ? 'one run' : `median of ${opts.runs} runs`} each`;
printTable(`Node ${process.version} (${when}); wall times of whole runs, including start-up and Wasm compilation:`, nodeRows);
printSkipped(measured);
console.log('Ratios are times: elf2wasm/X below 1 means elf2wasm takes less time than X; elf2wasm/clang-wasm is against the faster clang-wasm tiering.');

const browserRows = opts.browser ? await measureInBrowser(measured, { ...ctx, dist: opts.dist ?? join(root, 'dist'), out }) : [];
if (opts.browser) {
  printTable('Headless chromium, no V8 flags (compile, instantiate and run timed in the page; qemu and native as in Node):', browserRows);
  console.log('elf2wasm chromium/node and clang-wasm chromium/node compare with the Node table (clang-wasm: its faster tiering there).');
}
if (failed || [...nodeRows, ...browserRows].some((r) => r.output !== 'same as qemu')) process.exitCode = 1;
