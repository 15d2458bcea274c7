// The CLI tests run bin/elf2wasm.js, which loads dist/: build it from the sources under test.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, [resolve(import.meta.dirname, '../node_modules/tsup/dist/cli-default.js')], {
    cwd: resolve(import.meta.dirname, '..'), stdio: 'ignore',
  });
}
