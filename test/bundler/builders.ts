// One function per bundler: bundle `entry` of the app into `outDir` as Node-runnable ESM
// (`main.js`), rejecting with the bundler's error text when the build fails.
import { join } from 'node:path';
import type { Options } from '../../src/bundler/options.ts';
import elfEsbuild from '../../src/esbuild.ts';
import elfRollup from '../../src/rollup.ts';
import elfRspack from '../../src/rspack.ts';
import elfVite from '../../src/vite.ts';
import elfWebpack from '../../src/webpack.ts';
import type { App } from './app.ts';

export type Build = (app: App, entry: string, outDir: string) => Promise<void>;

const options = (app: App): Options => ({ root: app.dir, cacheDir: app.cacheDir });

const rollup: Build = async (app, entry, outDir) => {
  const { rollup } = await import('rollup');
  // the program API stays an import: Node resolves it through the app's node_modules
  const bundle = await rollup({ input: join(app.dir, entry), plugins: [elfRollup(options(app))], external: ['unplugin-elf/program'], onwarn: () => {} });
  await bundle.write({ dir: outDir, format: 'es', entryFileNames: 'main.js' });
  await bundle.close();
};

const vite: Build = async (app, entry, outDir) => {
  const { build } = await import('vite');
  await build({
    root: app.dir, configFile: false, logLevel: 'silent', base: './', plugins: [elfVite(options(app))],
    // an SSR build: vite's way to bundle for Node
    build: { ssr: join(app.dir, entry), outDir, emptyOutDir: true, target: 'esnext', rollupOptions: { output: { entryFileNames: 'main.js' } } },
  });
};

const esbuild: Build = async (app, entry, outDir) => {
  const { build } = await import('esbuild');
  await build({ absWorkingDir: app.dir, entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outdir: outDir, entryNames: 'main', logLevel: 'silent', plugins: [elfEsbuild(options(app))] });
};

/** webpack and rspack share their configuration (webpack 5 also needs experiments.outputModule; rspack 2 has it built in) */
function webpackConfig(app: App, entry: string, outDir: string) {
  return {
    mode: 'production' as const, context: app.dir, entry: `./${entry}`, target: 'node' as const, devtool: false as const,
    output: { path: outDir, filename: 'main.js', module: true, chunkFormat: 'module' as const, library: { type: 'module' as const } },
    optimization: { minimize: false },
  };
}

type Stats = { hasErrors(): boolean; toString(o: object): string };
function compile(run: (cb: (err: Error | null, stats?: Stats) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((err, stats) => {
    if (err) reject(err);
    else if (stats?.hasErrors()) reject(new Error(stats.toString({ all: false, errors: true })));
    else resolve();
  }));
}

const webpack: Build = async (app, entry, outDir) => {
  const { default: webpack } = await import('webpack');
  const compiler = webpack({ ...webpackConfig(app, entry, outDir), experiments: { outputModule: true }, plugins: [elfWebpack(options(app))] });
  await compile((cb) => compiler.run(cb));
  await new Promise((r) => compiler.close(r));
};

const rspack: Build = async (app, entry, outDir) => {
  const { rspack } = await import('@rspack/core');
  const compiler = rspack({ ...webpackConfig(app, entry, outDir), plugins: [elfRspack(options(app))] });
  await compile((cb) => compiler.run(cb));
  await new Promise((r) => compiler.close(r));
};

export const builders: Record<string, Build> = { rollup, vite, esbuild, webpack, rspack };
