// The worker behind `run({ worker: true })` in bundled apps. The program API starts it with the
// literal `new Worker(new URL('./worker.js', import.meta.url))`, which vite, webpack and rspack
// bundle for browsers by themselves. Elsewhere the plugin must put a build of the worker entry in
// the output and hand its URL to the loader: rollup (and vite's SSR builds) as an emitted chunk,
// esbuild as a separate build written beside the bundle (esbuild-output.ts), webpack/rspack targeting Node through a
// `worker_threads` Worker, the form they bundle for Node.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** this package's directory (the plugin runs from dist/, or from src/ in this repo's tests) */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'unplugin-elf') return (root = dir);
    if (dirname(dir) === dir) throw new Error(`unplugin-elf: cannot find the package directory above ${fileURLToPath(import.meta.url)}`);
  }
}

/** the worker entry as built in this package (dist/worker.js) */
export function workerEntryFile(): string {
  const file = join(packageRoot(), 'dist', 'worker.js');
  if (!existsSync(file)) throw new Error(`unplugin-elf: ${file} is missing (the package is not built: run \`npm run build\` in it)`);
  return file;
}

/** binaryen imports `node:module` (under Node only); bundles get this stand-in (node-module-shim.ts) */
export function nodeModuleShimFile(): string {
  return join(packageRoot(), 'dist', 'node-module-shim.js');
}

/** an import of node:module by binaryen, which browser bundlers cannot resolve */
export const isBinaryenNodeModule = (id: string, importer: string | undefined): boolean =>
  id === 'node:module' && importer !== undefined && /[\\/]binaryen[\\/]/.test(importer);

/** webpack/rspack `target` values whose output runs in Node (a string, a list, or false) */
export function targetsNode(target: unknown): boolean {
  const list = Array.isArray(target) ? target : [target];
  return list.some((t) => typeof t === 'string' && /^(async-)?node|^electron-main|^electron\d.*-main|^nwjs/.test(t));
}
