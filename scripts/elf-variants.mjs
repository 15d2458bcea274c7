#!/usr/bin/env node
// Records how qemu-aarch64 runs each damaged copy of test/fixtures/elf/bss-only
// (test/helpers/elf-variants.mjs) into test/fixtures/elf/bss-variants.json: {stdout, stderr, status}
// per variant, stderr with the temporary path replaced by FILE. The base binary is rebuilt first
// when the toolchain is here: aarch64-linux-gnu-as bss-only.s && aarch64-linux-gnu-ld.
//
//   node scripts/elf-variants.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { elfVariants } from '../test/helpers/elf-variants.mjs';

const dir = resolve(import.meta.dirname, '../test/fixtures/elf');
const work = mkdtempSync(join(tmpdir(), 'elf-variants-'));
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
};
try {
  run('aarch64-linux-gnu-as', [join(dir, 'bss-only.s'), '-o', join(work, 'bss-only.o')]);
  run('aarch64-linux-gnu-ld', [join(work, 'bss-only.o'), '-o', join(dir, 'bss-only')]);
  const recorded = {};
  for (const v of elfVariants(new Uint8Array(readFileSync(join(dir, 'bss-only'))))) {
    const path = join(work, v.name);
    writeFileSync(path, v.bytes, { mode: 0o755 });
    const r = spawnSync('qemu-aarch64', [path], { encoding: 'utf8', env: {} });
    if (r.error) throw r.error;
    recorded[v.name] = { stdout: r.stdout, stderr: r.stderr.replaceAll(path, 'FILE'), status: r.status };
  }
  writeFileSync(join(dir, 'bss-variants.json'), `${JSON.stringify(recorded, null, 2)}\n`);
  console.log(recorded);
} finally {
  rmSync(work, { recursive: true, force: true });
}
