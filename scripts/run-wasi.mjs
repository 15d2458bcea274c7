// Runs a wasm32-wasi program under Node (the baseline for `npm run bench`), with the same
// V8 setting elf2wasm uses (no Liftoff), so both sides run TurboFan code.
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { WASI } from 'node:wasi';

v8.setFlagsFromString('--no-liftoff');
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens: { '/': '/' }, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
