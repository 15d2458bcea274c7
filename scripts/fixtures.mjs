#!/usr/bin/env node
// Builds the AArch64 test fixtures and records their expected behaviour
// under qemu-aarch64.
//
//   node scripts/fixtures.mjs [--force] [--build-only] [--record-only]
//                             [--verify] [--once] [--case NAME]...
//
//   --force        rebuild and re-record even if nothing changed
//   --build-only   only (re)build the binaries
//   --record-only  only (re)record expectations (binaries must exist)
//   --verify       re-run every case and compare with the recorded
//                  expectations, writing nothing (exit 1 on mismatch)
//   --once         run each case once instead of twice when recording
//                  (the second run checks that the output is deterministic)
//   --case NAME    restrict recording/verification to the named case(s)
//
// Inputs:   test/fixtures/src/{main.c,hello.c,progs/*.c,cxx/cxx.cc}, test/fixtures/cases.json,
//           test/fixtures/cxx-cases.json,
//           playground/demo/{nn,calc}.elf (built by playground/demo/build.sh, only run here)
// Outputs:  test/fixtures/bin/{progs-glibc-O0,progs-glibc-O2,progs-musl-O2,hello-glibc,hello-musl,
//                               cxx-O0,cxx-O2}
//           test/fixtures/bin/.sources.sha256   (hash of sources + this script + toolchain)
//           test/fixtures/src/progs.def          (X-macro list of programs, generated)
//           test/fixtures/expected/BUILD/CASE.json  ({stdout, stderr, status})
//           test/fixtures/expected/playground/CASE.json
//           test/fixtures/expected/.stamp.sha256 (hash of binaries + cases + qemu)
//
// Stripped builds are not committed: the tests derive them with test/helpers/strip-elf.mjs (pure
// JS). When recording, every case also runs under qemu on that stripped copy of its build, which
// must behave identically (and `readelf -s` must find no symbols in it).
//
// qemu's own report of a guest killed by a core-dumping signal ("qemu: uncaught target signal 6
// (Aborted) - core dumped") is not the guest's output (Linux prints nothing; a shell prints
// "Aborted"): it is removed from the recorded stderr. Any other "qemu: " line is a problem.
//
// No dependencies beyond Node itself. The binaries and expectations are
// committed, so `npm test` never needs the cross toolchain or qemu.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripSymbols } from '../test/helpers/strip-elf.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIX = path.join(ROOT, 'test/fixtures');
const SRC = path.join(FIX, 'src');
const PROGS_DIR = path.join(SRC, 'progs');
const BIN = path.join(FIX, 'bin');
const EXPECTED = path.join(FIX, 'expected');
const CASES_FILE = path.join(FIX, 'cases.json');
const CXX_CASES_FILE = path.join(FIX, 'cxx-cases.json');
const SOURCES_HASH_FILE = path.join(BIN, '.sources.sha256');
const STAMP_FILE = path.join(EXPECTED, '.stamp.sha256');

const GLIBC_CC = 'aarch64-linux-gnu-gcc';
const MUSL_CC = 'aarch64-linux-musl-gcc';
const GLIBC_CXX = 'aarch64-linux-gnu-g++';
const READELF = 'aarch64-linux-gnu-readelf';
const QEMU = 'qemu-aarch64';
const REQUIRED_TOOLS = [GLIBC_CC, MUSL_CC, GLIBC_CXX, READELF, QEMU, 'file'];

const COMMON_FLAGS = ['-static', '-g0', '-std=gnu17', '-Wall', '-Wextra'];
const MAX_PROGS_SIZE = 1.5 * 1024 * 1024;

/** The multi-call program binaries; every case in cases.json runs on each. */
const PROGS_BUILDS = [
  { name: 'progs-glibc-O0', cc: GLIBC_CC, opt: '-O0' },
  { name: 'progs-glibc-O2', cc: GLIBC_CC, opt: '-O2' },
  { name: 'progs-musl-O2', cc: MUSL_CC, opt: '-O2' },
];
/** The single-program hello binaries and the cases recorded for them. */
const HELLO_BUILDS = [
  { name: 'hello-glibc', cc: GLIBC_CC, opt: '-O2' },
  { name: 'hello-musl', cc: MUSL_CC, opt: '-O2' },
];
/** The C++ exception fixtures (src/cxx/cxx.cc): `cxx NAME`, cases in cxx-cases.json. Kept small:
 * no iostream, unused sections collected. */
const CXX_FLAGS = ['-static', '-g0', '-std=gnu++17', '-Wall', '-Wextra', '-Wno-terminate', '-ffunction-sections', '-Wl,--gc-sections'];
const CXX_BUILDS = [
  { name: 'cxx-O0', cc: GLIBC_CXX, opt: '-O0', flags: CXX_FLAGS },
  { name: 'cxx-O2', cc: GLIBC_CXX, opt: '-O2', flags: CXX_FLAGS },
];
const HELLO_CASES = [
  { name: 'noargs', args: [] },
  { name: 'args', args: ['one', 'two three'] },
];

/** The playground's demos, run as its page runs them (test/browser/playground.test.ts compares).
 * nn.elf gets the page's environment; calc.elf gets a REPL session as stdin, as the page replays it. */
const PLAYGROUND = path.join(ROOT, 'playground/demo');
const PLAYGROUND_ENV = { HOME: '/', TERM: 'xterm-256color', LANG: 'C.UTF-8' };
const PLAYGROUND_CASES = [
  { name: 'nn', elf: 'nn.elf', env: PLAYGROUND_ENV },
  { name: 'calc-session', elf: 'calc.elf', stdin: 'x = 2^10\nsqrt(x) + ans\n' },
];

const RUN_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { force: false, buildOnly: false, recordOnly: false, verify: false, once: false, cases: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') opts.force = true;
    else if (a === '--build-only') opts.buildOnly = true;
    else if (a === '--record-only') opts.recordOnly = true;
    else if (a === '--verify') opts.verify = true;
    else if (a === '--once') opts.once = true;
    else if (a === '--case') opts.cases.push(argv[++i]);
    else if (a === '-h' || a === '--help') {
      const text = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8');
      console.log(text.split('\n').slice(1, 27).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      process.exit(0);
    } else die(`unknown option ${a} (try --help)`);
  }
  return opts;
}

function die(msg) {
  console.error(`fixtures: ${msg}`);
  process.exit(1);
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const rel = (p) => path.relative(ROOT, p);

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {}
  }
  return null;
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.error) throw r.error;
  return r;
}

function checkToolchain() {
  const tools = {};
  const missing = [];
  for (const t of REQUIRED_TOOLS) {
    const p = which(t);
    if (p) tools[t] = p;
    else missing.push(t);
  }
  if (missing.length) {
    console.error(
      `fixtures: missing tool(s): ${missing.join(', ')}\n` +
        `  Regenerating the fixtures needs an AArch64 cross toolchain (glibc and musl) and qemu-user:\n` +
        `    Debian/Ubuntu: apt-get install gcc-aarch64-linux-gnu qemu-user file\n` +
        `                   plus musl-dev:arm64 (dpkg --add-architecture arm64), which provides ${MUSL_CC}\n` +
        `  The binaries and expectations are committed, so \`npm test\` does not need any of this.`,
    );
    process.exit(1);
  }
  return tools;
}

// ---------------------------------------------------------------------------
// Sources and hashing

function listPrograms() {
  return fs
    .readdirSync(PROGS_DIR)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
}

/** Regenerates src/progs.def (X-macro list) from progs/*.c; returns the names. */
function writeProgsDef() {
  const names = listPrograms();
  for (const n of names) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) die(`bad program file name progs/${n}.c`);
  const text =
    '/* Generated by scripts/fixtures.mjs from the files in progs/ -- do not edit. */\n' +
    names.map((n) => `PROG(${n})\n`).join('');
  const file = path.join(SRC, 'progs.def');
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
  return names;
}

function listSourceFiles(dir = SRC) {
  const out = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...listSourceFiles(p));
    else if (ent.isFile()) out.push(p);
  }
  return out.sort();
}

/** Identifies a compiler: its version, and the content of every crt object
 * and archive it links into a static executable (so a libc update counts). */
function toolchainFingerprint(cc) {
  const h = createHash('sha256');
  h.update(run(cc, ['--version']).stdout);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fixtures-cc-'));
  try {
    const c = path.join(tmp, 'e.c');
    fs.writeFileSync(c, 'int main(void) { return 0; }\n');
    const r = run(cc, ['-static', '-Wl,-t', c, '-o', path.join(tmp, 'e')], { cwd: tmp });
    if (r.status !== 0) die(`${cc} cannot link a static executable:\n${r.stderr}`);
    const inputs = [...new Set(`${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()))]
      .filter((l) => l.startsWith('/') && !l.startsWith(tmp) && !l.startsWith(os.tmpdir()))
      .map((l) => path.resolve(l))
      .sort();
    for (const f of new Set(inputs)) {
      if (fs.existsSync(f)) h.update(`${path.basename(f)}\0`).update(fs.readFileSync(f));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return h.digest('hex');
}

function sourcesHash() {
  const h = createHash('sha256');
  for (const f of listSourceFiles()) h.update(`${path.relative(SRC, f)}\0`).update(fs.readFileSync(f)).update('\0');
  h.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  for (const cc of [GLIBC_CC, MUSL_CC, GLIBC_CXX]) h.update(`${cc}\0${toolchainFingerprint(cc)}\0`);
  return h.digest('hex');
}

// ---------------------------------------------------------------------------
// Building

function compile(build, inputs) {
  const out = path.join(BIN, build.name);
  const tmpOut = `${out}.tmp`;
  const args = [...(build.flags ?? COMMON_FLAGS), build.opt, '-o', tmpOut, ...inputs, '-lm'];
  const r = run(build.cc, args, { cwd: SRC });
  if (r.status !== 0 || !fs.existsSync(tmpOut)) {
    fs.rmSync(tmpOut, { force: true });
    die(`${build.name}: compilation failed:\n${build.cc} ${args.join(' ')}\n${r.stderr}`);
  }
  const warnings = r.stderr.trim();
  const f = run('file', ['-b', tmpOut]).stdout.trim();
  if (!/\bexecutable\b/.test(f) || !/statically linked/.test(f) || /pie executable|shared object|dynamically/.test(f)) {
    fs.rmSync(tmpOut, { force: true });
    die(`${build.name}: not a static non-PIE executable: ${f}`);
  }
  if (!/ARM aarch64/.test(f)) die(`${build.name}: not an AArch64 binary: ${f}`);
  fs.renameSync(tmpOut, out);
  return { size: fs.statSync(out).size, warnings };
}

function buildAll(names) {
  fs.mkdirSync(BIN, { recursive: true });
  const progInputs = ['main.c', ...names.map((n) => `progs/${n}.c`)];
  const results = [];
  for (const b of PROGS_BUILDS) results.push({ name: b.name, ...compile(b, progInputs) });
  for (const b of HELLO_BUILDS) results.push({ name: b.name, ...compile(b, ['hello.c']) });
  for (const b of CXX_BUILDS) results.push({ name: b.name, ...compile(b, ['cxx/cxx.cc']) });
  return results;
}

// ---------------------------------------------------------------------------
// Cases and recording

function loadCases(progNames) {
  let cases;
  try {
    cases = JSON.parse(fs.readFileSync(CASES_FILE, 'utf8'));
  } catch (e) {
    die(`cannot read ${rel(CASES_FILE)}: ${e.message}`);
  }
  if (!Array.isArray(cases)) die(`${rel(CASES_FILE)} must be an array of cases`);
  const seen = new Set();
  for (const c of cases) {
    if (typeof c.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(c.name)) die(`bad case name ${JSON.stringify(c.name)}`);
    if (seen.has(c.name)) die(`duplicate case name ${c.name}`);
    seen.add(c.name);
    if (typeof c.prog !== 'string') die(`case ${c.name}: "prog" must be a string`);
    if (!progNames.includes(c.prog) && !c.expectUnknown)
      die(`case ${c.name}: unknown program ${c.prog} (set "expectUnknown": true for a negative test)`);
    if (c.args !== undefined && (!Array.isArray(c.args) || c.args.some((a) => typeof a !== 'string')))
      die(`case ${c.name}: "args" must be an array of strings`);
    if (c.stdin !== undefined && typeof c.stdin !== 'string') die(`case ${c.name}: "stdin" must be a string`);
    if (c.env !== undefined && (typeof c.env !== 'object' || Array.isArray(c.env) || c.env === null))
      die(`case ${c.name}: "env" must be an object`);
    for (const [k, v] of Object.entries(c.env ?? {}))
      if (typeof v !== 'string' || k.includes('=')) die(`case ${c.name}: bad env entry ${k}`);
    for (const [k, v] of Object.entries(c.files ?? {}))
      if (typeof v !== 'string' || k.startsWith('/') || k.split('/').includes('..')) die(`case ${c.name}: bad files entry ${k} (a relative path → its text)`);
  }
  for (const p of progNames)
    if (!cases.some((c) => c.prog === p)) console.warn(`fixtures: warning: program ${p} has no case in cases.json`);
  return cases;
}

function loadCxxCases() {
  let cases;
  try {
    cases = JSON.parse(fs.readFileSync(CXX_CASES_FILE, 'utf8'));
  } catch (e) {
    die(`cannot read ${rel(CXX_CASES_FILE)}: ${e.message}`);
  }
  if (!Array.isArray(cases)) die(`${rel(CXX_CASES_FILE)} must be an array of cases`);
  for (const c of cases) {
    if (typeof c.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(c.name)) die(`cxx: bad case name ${JSON.stringify(c.name)}`);
    if (!Array.isArray(c.args) || c.args.some((a) => typeof a !== 'string')) die(`cxx case ${c.name}: "args" must be an array of strings`);
  }
  return cases;
}

const QEMU_SIGNAL_REPORT = /^qemu: uncaught target signal \d+ \([^)\n]*\) - core dumped\n/m;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function encodeStream(buf, key, out) {
  try {
    out[key] = utf8.decode(buf);
  } catch {
    out[key] = buf.toString('base64');
    out[`${key}Encoding`] = 'base64';
  }
}

/** Runs one binary under qemu with exactly the given argv tail, env and stdin, in a fresh
 * working directory holding only `files` (relative path → text). */
function runUnderQemu(qemu, binary, argvTail, { env = {}, stdin = '', tmpdir = false, files = {} } = {}) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'fixtures-cwd-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(cwd, name)), { recursive: true });
    fs.writeFileSync(path.join(cwd, name), text);
  }
  const dir = tmpdir ? fs.mkdtempSync(path.join(os.tmpdir(), 'fixtures-dir-')) : null;
  try {
    const args = [binary, ...(dir ? [argvTail[0], dir, ...argvTail.slice(1)] : argvTail)];
    const r = spawnSync(qemu, args, {
      cwd,
      env: { ...env },
      input: stdin,
      maxBuffer: 64 << 20,
      timeout: RUN_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    if (r.error && r.error.code !== 'ETIMEDOUT') throw r.error;
    if (r.error) return { timeout: true };
    const status = r.status ?? 128 + (os.constants.signals[r.signal] ?? 0);
    const result = {};
    encodeStream(r.stdout, 'stdout', result);
    encodeStream(r.signal ? Buffer.from(r.stderr.toString('latin1').replace(QEMU_SIGNAL_REPORT, ''), 'latin1') : r.stderr, 'stderr', result);
    result.status = status;
    return result;
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** All (build, case) pairs to run. */
function jobs(cases, cxxCases) {
  const list = [];
  for (const b of PROGS_BUILDS)
    for (const c of cases)
      list.push({
        build: b.name,
        bin: path.join(BIN, b.name),
        caseName: c.name,
        argv: [c.prog, ...(c.args ?? [])],
        opts: { env: c.env ?? {}, stdin: c.stdin ?? '', tmpdir: !!c.tmpdir, files: c.files ?? {} },
        strippable: true,
      });
  for (const b of HELLO_BUILDS)
    for (const c of HELLO_CASES) list.push({ build: b.name, bin: path.join(BIN, b.name), caseName: c.name, argv: c.args, opts: {} });
  for (const b of CXX_BUILDS)
    for (const c of cxxCases)
      list.push({ build: b.name, bin: path.join(BIN, b.name), caseName: c.name, argv: c.args, opts: { env: c.env ?? {} }, strippable: true });
  for (const c of PLAYGROUND_CASES)
    list.push({ build: 'playground', bin: path.join(PLAYGROUND, c.elf), caseName: c.name, argv: [], opts: { env: c.env, stdin: c.stdin } });
  return list;
}

const canonical = (o) => JSON.stringify(o, null, 2) + '\n';

/** A stripped copy of a build (test/helpers/strip-elf.mjs, as the tests make it), checked with
 * readelf to hold no symbols; cached per build for this run of the script. */
const strippedCopies = new Map();
let strippedDir;
function strippedCopy(build, bin, problems) {
  if (strippedCopies.has(build)) return strippedCopies.get(build);
  strippedDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'fixtures-stripped-'));
  const out = path.join(strippedDir, `${build}-stripped`);
  fs.writeFileSync(out, stripSymbols(fs.readFileSync(bin)).bytes, { mode: 0o755 });
  const syms = run(READELF, ['-W', '-s', out]);
  if (syms.status !== 0 || /Symbol table/.test(syms.stdout)) problems.push(`${build}: the stripped copy still has a symbol table:\n${syms.stdout}${syms.stderr}`);
  strippedCopies.set(build, out);
  return out;
}

function recordAll(qemu, cases, cxxCases, { once, only }) {
  const list = jobs(cases, cxxCases).filter((j) => !only.length || only.includes(j.caseName));
  const problems = [];
  const results = new Map(); // caseName -> Map(build -> result)
  let n = 0;
  for (const j of list) {
    if (!fs.existsSync(j.bin)) die(`missing binary ${rel(j.bin)} (run without --record-only)`);
    const r1 = runUnderQemu(qemu, j.bin, j.argv, j.opts);
    if (r1.timeout) {
      problems.push(`${j.build}/${j.caseName}: timed out`);
      continue;
    }
    if (!once) {
      const r2 = runUnderQemu(qemu, j.bin, j.argv, j.opts);
      if (canonical(r1) !== canonical(r2)) problems.push(`${j.build}/${j.caseName}: output differs between two runs`);
    }
    if (/^qemu: /m.test(r1.stderr)) problems.push(`${j.build}/${j.caseName}: qemu reported: ${r1.stderr.trim()}`);
    if (j.strippable) {
      const rs = runUnderQemu(qemu, strippedCopy(j.build, j.bin, problems), j.argv, j.opts);
      if (rs.timeout || canonical(rs) !== canonical(r1)) problems.push(`${j.build}/${j.caseName}: the stripped binary behaves differently`);
    }
    const dir = path.join(EXPECTED, j.build);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${j.caseName}.json`);
    const text = canonical(r1);
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
    if (!results.has(j.caseName)) results.set(j.caseName, new Map());
    results.get(j.caseName).set(j.build, r1);
    if (++n % 50 === 0) process.stdout.write(`  ${n}/${list.length} runs recorded\n`);
  }
  return { results, problems, count: list.length };
}

/** Removes expectation files for cases or builds that no longer exist. */
function pruneExpected(cases, cxxCases) {
  const wanted = new Map();
  for (const b of PROGS_BUILDS) wanted.set(b.name, new Set(cases.map((c) => `${c.name}.json`)));
  for (const b of HELLO_BUILDS) wanted.set(b.name, new Set(HELLO_CASES.map((c) => `${c.name}.json`)));
  for (const b of CXX_BUILDS) wanted.set(b.name, new Set(cxxCases.map((c) => `${c.name}.json`)));
  wanted.set('playground', new Set(PLAYGROUND_CASES.map((c) => `${c.name}.json`)));
  const removed = [];
  if (!fs.existsSync(EXPECTED)) return removed;
  for (const ent of fs.readdirSync(EXPECTED, { withFileTypes: true })) {
    if (!ent.isDirectory()) continue;
    const dir = path.join(EXPECTED, ent.name);
    const keep = wanted.get(ent.name);
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith('.json') && (!keep || !keep.has(f))) {
        fs.rmSync(path.join(dir, f));
        removed.push(`${ent.name}/${f}`);
      }
    }
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
  return removed;
}

function verifyAll(qemu, cases, cxxCases, only) {
  const list = jobs(cases, cxxCases).filter((j) => !only.length || only.includes(j.caseName));
  const failures = [];
  for (const j of list) {
    const file = path.join(EXPECTED, j.build, `${j.caseName}.json`);
    if (!fs.existsSync(file)) {
      failures.push(`${j.build}/${j.caseName}: no expectation recorded`);
      continue;
    }
    const r = runUnderQemu(qemu, j.bin, j.argv, j.opts);
    if (r.timeout) failures.push(`${j.build}/${j.caseName}: timed out`);
    else if (canonical(r) !== fs.readFileSync(file, 'utf8')) failures.push(`${j.build}/${j.caseName}: differs`);
  }
  return { failures, count: list.length };
}

function expectationStamp(qemu, cases, cxxCases) {
  const h = createHash('sha256');
  for (const b of [...PROGS_BUILDS, ...HELLO_BUILDS, ...CXX_BUILDS]) {
    const p = path.join(BIN, b.name);
    h.update(`${b.name}\0${fs.existsSync(p) ? sha256(fs.readFileSync(p)) : 'missing'}\0`);
  }
  for (const c of PLAYGROUND_CASES) h.update(`${c.elf}\0${sha256(fs.readFileSync(path.join(PLAYGROUND, c.elf)))}\0`);
  h.update(canonical(cases));
  h.update(canonical(HELLO_CASES));
  h.update(canonical(cxxCases));
  h.update(fs.readFileSync(path.join(ROOT, 'test/helpers/strip-elf.mjs')));
  h.update(canonical(PLAYGROUND_CASES));
  h.update(run(qemu, ['--version']).stdout);
  h.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  return h.digest('hex');
}

function summarizeDifferences(results) {
  const lines = [];
  for (const [name, byBuild] of results) {
    const g0 = byBuild.get('progs-glibc-O0'), g2 = byBuild.get('progs-glibc-O2'), m2 = byBuild.get('progs-musl-O2');
    if (!g0 || !g2 || !m2) continue;
    const diffs = [];
    if (canonical(g0) !== canonical(g2)) diffs.push('glibc -O0 vs -O2');
    if (canonical(g2) !== canonical(m2)) diffs.push('glibc vs musl');
    if (diffs.length) lines.push(`    ${name}: ${diffs.join(', ')}`);
  }
  return lines;
}

// ---------------------------------------------------------------------------

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const tools = checkToolchain();
  const qemu = tools[QEMU];
  const names = writeProgsDef();
  const t0 = Date.now();

  if (opts.verify) {
    const cases = loadCases(names);
    const { failures, count } = verifyAll(qemu, cases, loadCxxCases(), opts.cases);
    for (const f of failures) console.error(`  FAIL ${f}`);
    console.log(`verify: ${count - failures.length}/${count} runs match the recorded expectations`);
    process.exit(failures.length ? 1 : 0);
  }

  // 1. Build.
  if (!opts.recordOnly) {
    const hash = sourcesHash();
    const allBuilt = [...PROGS_BUILDS, ...HELLO_BUILDS, ...CXX_BUILDS].every((b) => fs.existsSync(path.join(BIN, b.name)));
    const old = fs.existsSync(SOURCES_HASH_FILE) ? fs.readFileSync(SOURCES_HASH_FILE, 'utf8').trim() : '';
    if (!opts.force && allBuilt && old === hash) {
      console.log(`build: up to date (${rel(SOURCES_HASH_FILE)} matches), use --force to rebuild`);
    } else {
      console.log(`build: compiling ${names.length} programs into ${PROGS_BUILDS.length} multi-call binaries...`);
      const built = buildAll(names);
      for (const b of built) {
        const big = b.name.startsWith('progs-') && b.size > MAX_PROGS_SIZE;
        console.log(`  ${b.name.padEnd(16)} ${(b.size / 1024).toFixed(0).padStart(6)} KiB${big ? '  (WARNING: over 1.5 MiB)' : ''}`);
        if (b.warnings) console.log(b.warnings.replace(/^/gm, '    '));
      }
      fs.writeFileSync(SOURCES_HASH_FILE, `${hash}\n`);
    }
  }
  if (opts.buildOnly) return;

  // 2. Record.
  const cases = loadCases(names);
  const cxxCases = loadCxxCases();
  const stamp = expectationStamp(qemu, cases, cxxCases);
  const oldStamp = fs.existsSync(STAMP_FILE) ? fs.readFileSync(STAMP_FILE, 'utf8').trim() : '';
  if (!opts.force && !opts.cases.length && oldStamp === stamp) {
    console.log(`record: up to date (${rel(STAMP_FILE)} matches), use --force to re-record`);
    return;
  }
  const removed = opts.cases.length ? [] : pruneExpected(cases, cxxCases);
  for (const r of removed) console.log(`  removed stale expectation ${r}`);
  console.log(
    `record: ${cases.length} cases x ${PROGS_BUILDS.length} builds + ${HELLO_CASES.length} x ${HELLO_BUILDS.length} hello runs + ` +
      `${cxxCases.length} x ${CXX_BUILDS.length} C++ runs + ${PLAYGROUND_CASES.length} playground runs` +
      (opts.cases.length ? `, restricted to ${opts.cases.join(', ')}` : '') +
      (opts.once ? '' : ' (each run twice to check determinism)') + ', progs and C++ cases also on their stripped builds',
  );
  const { results, problems, count } = recordAll(qemu, cases, cxxCases, { once: opts.once, only: opts.cases });
  if (strippedDir) fs.rmSync(strippedDir, { recursive: true, force: true });
  const statusCounts = {};
  for (const byBuild of results.values())
    for (const r of byBuild.values()) statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
  console.log(`  ${count} runs recorded in ${((Date.now() - t0) / 1000).toFixed(1)} s; exit statuses: ${JSON.stringify(statusCounts)}`);
  const diffs = summarizeDifferences(results);
  if (diffs.length) console.log(`  cases whose expected output differs between builds:\n${diffs.join('\n')}`);
  if (problems.length) {
    for (const p of problems) console.error(`  PROBLEM ${p}`);
    die(`${problems.length} problem(s); expectations written but not stamped`);
  }
  if (!opts.cases.length) fs.writeFileSync(STAMP_FILE, `${stamp}\n`);
}

main();
