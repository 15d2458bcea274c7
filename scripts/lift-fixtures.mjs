#!/usr/bin/env node
// Builds the run-time lifting fixtures (test/fixtures/lift/*.S: tiny static executables with code
// no static analysis can find, a JIT, a jump into data) and records what qemu-aarch64 does with
// each case into test/fixtures/lift/expected.json. Needs aarch64-linux-gnu-gcc and qemu-aarch64;
// the binaries and the recording are committed, so `npm test` needs neither.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = resolve(fileURLToPath(import.meta.url), '../../test/fixtures/lift');
export const CASES = [
  { name: 'hidden-1', bin: 'hidden', args: [] },
  { name: 'hidden-2', bin: 'hidden', args: ['x'] },
  { name: 'hidden-3', bin: 'hidden', args: ['x', 'y'] },
  { name: 'jit', bin: 'jit', args: [] },
  { name: 'datajump', bin: 'datajump', args: [] },
];

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (install gcc-aarch64-linux-gnu and qemu-user)`);
  return r;
};

for (const src of readdirSync(DIR).filter((f) => f.endsWith('.S'))) {
  const out = join(DIR, src.slice(0, -2));
  const r = run('aarch64-linux-gnu-gcc', ['-nostdlib', '-static', '-s', '-Wl,--build-id=none', '-o', out, join(DIR, src)]);
  if (r.status !== 0) throw new Error(`building ${src}:\n${r.stderr}`);
}
const expected = {};
for (const c of CASES) {
  // argv[0] as the tests pass it: the name alone, so the recording does not depend on this path
  const r = spawnSync('qemu-aarch64', ['-0', c.bin, join(DIR, c.bin), ...c.args], { encoding: 'utf8', cwd: DIR });
  // qemu reports a fatal signal on stderr in its own words; the status is what must match
  expected[c.name] = { bin: c.bin, args: c.args, stdout: r.stdout, status: r.status ?? 128 + 11 };
}
writeFileSync(join(DIR, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
console.log(`lift fixtures: ${CASES.length} cases recorded under qemu-aarch64`);
