#!/usr/bin/env node
// Builds the static-discovery oracle: small binaries with jump tables of many shapes, and what
// really happens in them, observed under qemu — an independent check of discovery, as
// decode-oracle.mjs checks the decoder against objdump.
//
//   node scripts/discover-oracle.mjs [name...]   (names: only those binaries, the others kept)
//
// Inputs:   test/fixtures/discover/src/switches.c (built with musl gcc -O0/-O2/-Os, and clang
//           -O0/-O2 objects linked with musl when clang is installed), src/locale.c (glibc
//           -static -O2, stripped: its setlocale reaches _nl_intern_locale_data's table of
//           signed byte offsets), src/printf.c (glibc -static -O2, stripped: printf's label
//           tables, spilled to the stack, indexed by a derived character class), src/cgoto.c
//           (musl gcc -O2: computed gotos that no compare bounds)
// Output:   test/fixtures/discover/<name> (the binaries) and expected.json, read by
//           test/unit/discover-jumptables.test.ts; for each binary:
//             brs     every `br` inside the functions under test (objdump -d, symbol bounds
//                     taken before stripping) → the targets it jumped to under
//                     `qemu-aarch64 -singlestep -d exec,nochain` (the PC traced after it)
//             fdes    [start, end) of every FDE, as `readelf --debug-dump=frames` prints them
//             functions  [start, end) of each function under test (resolved targets must lie inside)
// Needs:    aarch64-linux-musl-gcc, aarch64-linux-gnu-{gcc,objdump,readelf,strip,nm}, qemu-aarch64;
//           optionally clang. Only this script needs them: the test reads the committed files.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = new URL('../test/fixtures/discover/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'discover-oracle-'));

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error ?? r.stderr}`);
  return r.stdout;
}
const has = (cmd) => spawnSync(cmd, ['--version']).status === 0;

const SWITCH_FNS = ['small', 'spread', 'big', 'signed_idx', 'main'];
const builds = [];
for (const o of ['O0', 'O2', 'Os']) {
  builds.push({ name: `switches-gcc-musl-${o}`, build: (out) => run('aarch64-linux-musl-gcc', ['-static', `-${o}`, join(dir, 'src/switches.c'), '-o', out]), fns: SWITCH_FNS });
}
if (has('clang')) {
  for (const o of ['O0', 'O2']) {
    builds.push({
      name: `switches-clang-musl-${o}`, fns: SWITCH_FNS,
      build: (out) => {
        run('clang', ['--target=aarch64-linux-gnu', `-${o}`, '-c', join(dir, 'src/switches.c'), '-o', `${out}.o`]);
        run('aarch64-linux-musl-gcc', ['-static', `${out}.o`, '-o', out]);
      },
    });
  }
} else console.warn('clang not found: clang builds skipped');
builds.push({
  name: 'locale-glibc-O2-stripped', fns: ['_nl_intern_locale_data'], env: { LANG: 'C.UTF-8' }, strip: true,
  build: (out) => run('aarch64-linux-gnu-gcc', ['-static', '-O2', join(dir, 'src/locale.c'), '-o', out]),
});
builds.push({
  name: 'cgoto-gcc-musl-O2', fns: ['run', 'masked'],
  build: (out) => run('aarch64-linux-musl-gcc', ['-static', '-O2', join(dir, 'src/cgoto.c'), '-o', out]),
});
builds.push({
  name: 'printf-glibc-O2-stripped', fns: ['__vfprintf_internal', '__vfwprintf_internal'], strip: true,
  build: (out) => run('aarch64-linux-gnu-gcc', ['-static', '-O2', join(dir, 'src/printf.c'), '-o', out]),
});

const only = process.argv.slice(2);
for (const name of only) if (!builds.some((b) => b.name === name)) throw new Error(`no oracle binary named ${name}`);
const expected = only.length ? JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) : {};
for (const b of builds) {
  if (only.length && !only.includes(b.name)) continue;
  const out = join(tmp, b.name);
  b.build(out);
  // function bounds and instructions from the symbols, before stripping
  const syms = new Map();
  for (const line of run('aarch64-linux-gnu-nm', ['-S', out]).split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) [tTwW] (\S+)$/.exec(line);
    if (m && b.fns.includes(m[3])) syms.set(m[3], { start: parseInt(m[1], 16), end: parseInt(m[1], 16) + parseInt(m[2], 16) });
  }
  const brs = new Set();
  for (const [fn, r] of syms) {
    const dis = run('aarch64-linux-gnu-objdump', ['-d', `--start-address=0x${r.start.toString(16)}`, `--stop-address=0x${r.end.toString(16)}`, out]);
    for (const line of dis.split('\n')) {
      const m = /^ +([0-9a-f]+):\t[0-9a-f]{8} \t(\S+)/.exec(line);
      if (!m) continue;
      if (m[2] === 'br') brs.add(parseInt(m[1], 16));
    }
  }
  if (b.strip) run('aarch64-linux-gnu-strip', [out]);
  // the PC after each br, under qemu
  const log = join(tmp, `${b.name}.trace`);
  spawnSync('qemu-aarch64', ['-singlestep', '-d', 'exec,nochain', '-D', log, out], { env: { ...b.env }, encoding: 'utf8' });
  const pcs = [...readFileSync(log, 'utf8').matchAll(/^Trace \d+: \S+ \[[0-9a-f]+\/([0-9a-f]+)\//gm)].map((m) => parseInt(m[1], 16));
  const seen = {};
  for (let i = 0; i + 1 < pcs.length; i++) {
    if (!brs.has(pcs[i])) continue;
    (seen[hex(pcs[i])] ??= new Set()).add(pcs[i + 1]);
  }
  const fdes = [...run('readelf', ['--debug-dump=frames', out]).matchAll(/FDE cie=\S+ pc=([0-9a-f]+)\.\.([0-9a-f]+)/g)].map((m) => [parseInt(m[1], 16), parseInt(m[2], 16)]);
  expected[b.name] = {
    functions: Object.fromEntries([...syms].map(([fn, r]) => [fn, [hex(r.start), hex(r.end)]])),
    brs: Object.fromEntries([...brs].sort((x, y) => x - y).map((pc) => [hex(pc), [...(seen[hex(pc)] ?? [])].sort((x, y) => x - y).map(hex)])),
    fdes: fdes.map(([s, e]) => [hex(s), hex(e)]),
  };
  copyFileSync(out, join(dir, b.name));
  console.log(`${b.name}: ${brs.size} br, ${Object.keys(seen).length} observed, ${fdes.length} FDEs`);
}
// one line per binary section entry: diffs stay readable
const json = JSON.stringify(expected, null, 1).replace(/\[\n\s*("0x[0-9a-f]+"(?:,\n\s*"0x[0-9a-f]+")*)\n\s*\]/g, (_, l) => `[${l.replace(/\n\s*/g, ' ')}]`);
writeFileSync(join(dir, 'expected.json'), json + '\n');
rmSync(tmp, { recursive: true, force: true });

function hex(n) { return `0x${n.toString(16)}`; }
