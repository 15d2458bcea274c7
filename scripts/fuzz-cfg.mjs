#!/usr/bin/env node
// The control-flow fuzzer over many seeds (the CI sample is test/fuzz/cfg.test.ts):
//   node scripts/fuzz-cfg.mjs [--count N] [--start S] [--seed S]... [--show] [--stripped] [--no-lift]
//                             [--strict-flags] [--reduce] [--out DIR]
//   node scripts/fuzz-cfg.mjs --asm SEED      print one generated program
// Needs aarch64-linux-gnu-as/ld and qemu-aarch64. Runs test/fuzz/run.ts through tsx.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'test/fuzz/run.ts'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
