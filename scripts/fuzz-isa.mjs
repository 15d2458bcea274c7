#!/usr/bin/env node
// The random-instruction fuzzer (test/fuzz/isa/run.ts, options there): `npm run fuzz:isa -- --count N --class C --seed S`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'test/fuzz/isa/run.ts'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
