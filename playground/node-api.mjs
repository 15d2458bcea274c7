// The library API in a dozen lines: translate an ELF in memory, run it with Node's stdio.
// npm run build && node playground/node-api.mjs test/fixtures/bin/hello-musl a b
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { translate } from 'unplugin-elf';
import { configureV8, runNode } from 'unplugin-elf/node';

const file = process.argv[2] ?? 'test/fixtures/bin/hello-musl';
const { wasm, meta } = translate(readFileSync(file));
console.error(`translated ${file}: ${meta.stats.functions} functions, ${meta.stats.instructions} instructions, ${wasm.byteLength} bytes`);
configureV8();
const status = await runNode(await WebAssembly.compile(wasm), meta, {
  args: [file, ...process.argv.slice(3)], env: { HOME: '/' }, cwd: process.cwd(), execPath: resolve(file),
});
process.exitCode = status;
