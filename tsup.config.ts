import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

/** hash of every source file: the translator version that cache keys include */
function sourceHash(dir = 'src'): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else { h.update(p); h.update(readFileSync(p)); }
    }
  };
  walk(dir);
  return h.digest('hex').slice(0, 12);
}

/** the plugin's translation thread (src/node/translate-thread.ts) starts dist/translate-worker.js (an ESM entry, for both builds); the CLI's run thread (run-thread.ts) dist/run-worker.js */
const translateWorkerUrl = {
  name: 'translate-worker-url',
  setup(build: { onLoad(o: { filter: RegExp }, f: (a: { path: string }) => { contents: string; loader: 'ts' }): void }) {
    build.onLoad({ filter: /src[\\/]node[\\/](translate|run)-thread\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll("'./translate-worker.ts'", "'./translate-worker.js'").replaceAll("'./run-worker.ts'", "'./run-worker.js'"),
      loader: 'ts',
    }));
  },
};

const define = { __ELF2WASM_BUILD__: JSON.stringify(sourceHash()) };
const plugins = { vite: 'src/vite.ts', rollup: 'src/rollup.ts', webpack: 'src/webpack.ts', esbuild: 'src/esbuild.ts', rspack: 'src/rspack.ts' };

export default defineConfig([{
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts', node: 'src/node/index.ts', program: 'src/program/index.ts', worker: 'src/program/worker.ts', 'translate-worker': 'src/node/translate-worker.ts', 'run-worker': 'src/node/run-worker.ts', 'run-thread': 'src/node/run-thread.ts', 'translate-thread': 'src/node/translate-thread.ts', lifter: 'src/lift/runtime-lift.ts',
    'node-module-shim': 'src/bundler/node-module-shim.ts', ...plugins },
  format: ['esm'],
  target: 'node20',
  dts: { entry: { index: 'src/index.ts', node: 'src/node/index.ts', program: 'src/program/index.ts', lifter: 'src/lift/runtime-lift.ts', ...plugins } },
  // the CommonJS build (below) runs at the same time: its files are not this build's to remove
  clean: ['!**/*.cjs', '!**/*.cjs.map', '!**/*.d.cts'],
  sourcemap: true,
  splitting: true,
  external: ['binaryen'],
  define,
  esbuildPlugins: [{
    // the program API starts `new Worker(new URL('./worker.ts', import.meta.url))`: in dist that file is worker.js
    name: 'worker-url',
    setup(build) {
      build.onLoad({ filter: /src[\\/]program[\\/]worker-client\.ts$/ }, (args) => ({
        contents: readFileSync(args.path, 'utf8').replaceAll("'./worker.ts'", "'./worker.js'"),
        loader: 'ts',
      }));
    },
  }, translateWorkerUrl],
}, {
  // CommonJS builds of the plugin entries, for configs that `require('unplugin-elf/webpack')`
  entry: plugins,
  format: ['cjs'],
  target: 'node20',
  dts: { entry: plugins },
  sourcemap: true,
  shims: true, // import.meta.url (the package's directory, the worker entry)
  external: ['binaryen'],
  define,
  esbuildPlugins: [{
    // binaryen is ESM with top-level await, which require() cannot load: the translator comes
    // from the ESM build through a real import() (which CommonJS may use) instead of a bundled copy
    name: 'translator-from-esm',
    setup(build) {
      build.onResolve({ filter: /[\\/]translate\.ts$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './index.js', external: true } : undefined));
    },
  }, translateWorkerUrl],
}]);
