// Runs a wasm32-wasi program under Node: the clang baseline of `npm run bench`.
//   node scripts/run-wasi.mjs [--no-liftoff] prog.wasm [args...]
// `--no-liftoff` compiles every function with the optimising compiler up front (V8 has no
// on-stack replacement for Wasm, so a long loop entered once stays in Liftoff otherwise); the
// bench times both ways and compares elf2wasm with the faster.
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
if (argv[0] === '--no-liftoff') {
  argv.shift();
  v8.setFlagsFromString('--no-liftoff');
}
const [file, ...args] = argv;
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens: { '/': '/' }, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
