// The CLI and bundler tests load dist/ (bin/elf2wasm.js, unplugin-elf/program): build it from the
// sources under test.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  // no declarations: no test reads them (npm run typecheck checks the types), they take ~8 s
  execFileSync(process.execPath, [resolve(import.meta.dirname, '../node_modules/tsup/dist/cli-default.js'), '--no-dts'], {
    cwd: resolve(import.meta.dirname, '..'), stdio: 'ignore',
  });
}
