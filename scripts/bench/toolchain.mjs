// The compilers and runners the bench needs or can use, found once. Every tool that is missing is
// named with the Debian package that provides it, and its column shows '-'.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
const has = (cmd) => sh('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** why clang cannot build wasm32-wasi programs here, or undefined when it can */
function clangWasmProblem() {
  if (!has('clang')) return 'clang not installed (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)';
  if (!has('wasm-ld')) return 'wasm-ld not installed (apt-get install lld)';
  if (!existsSync('/usr/lib/wasm32-wasi/crt1-command.o')) return 'wasi-libc not installed (apt-get install wasi-libc)';
  // clang links wasm32 programs with its own compiler runtime, packaged per clang version
  const builtins = sh('clang', ['--target=wasm32-wasi', '-rtlib=compiler-rt', '-print-libgcc-file-name']).stdout.trim();
  if (!existsSync(builtins)) {
    const major = sh('clang', ['-dumpversion']).stdout.trim().split('.')[0];
    return `clang's wasm32 runtime ${builtins} is missing (apt-get install libclang-rt-${major}-dev-wasm32)`;
  }
  return undefined;
}

export function findToolchain() {
  const missing = ['aarch64-linux-gnu-gcc', 'qemu-aarch64'].filter((c) => !has(c));
  if (missing.length) {
    throw new Error(`bench: needs ${missing.join(' and ')} (apt-get install gcc-aarch64-linux-gnu qemu-user)`);
  }
  return {
    clangWasm: clangWasmProblem(),
    native: has('gcc') ? undefined : 'gcc not installed (apt-get install gcc)',
    valgrind: has('valgrind') ? undefined : 'valgrind not installed (apt-get install valgrind)',
  };
}

/** the elf2wasm CLI to time: bin/elf2wasm.js, or (`--dist DIR`) a wrapper in `out` around another
 *  build's cli.js, e.g. a private `npx tsup --no-dts -d DIR` while others rebuild dist/ */
export function elf2wasmCli(root, dist, out) {
  if (!dist) return join(root, 'bin/elf2wasm.js');
  const cli = join(dist, 'cli.js');
  if (!existsSync(cli)) throw new Error(`bench: ${cli} not found (build one with npx tsup --no-dts -d ${dist})`);
  const wrapper = join(out, 'elf2wasm.mjs');
  writeFileSync(wrapper, `import { cliEntry } from ${JSON.stringify(cli)};\nawait cliEntry();\n`);
  return wrapper;
}
