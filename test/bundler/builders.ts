// One function per bundler: bundle `entry` of the app into `outDir` as Node-runnable ESM
// (`main.js`), rejecting with the bundler's error text when the build fails; the same builds with
// the other majors of the peer ranges (package.json's aliased devDependencies: vite8, …); and the
// same builds in watch mode.
import { join } from 'node:path';
import type { Options } from '../../src/bundler/options.ts';
import elfEsbuild from '../../src/esbuild.ts';
import elfRollup from '../../src/rollup.ts';
import elfRspack from '../../src/rspack.ts';
import elfVite from '../../src/vite.ts';
import elfWebpack from '../../src/webpack.ts';
import type { App } from './app.ts';

export type Build = (app: App, entry: string, outDir: string) => Promise<void>;

// optimize 0: these tests are about bundling; the translation at the default level is tested elsewhere
const options = (app: App): Options => ({ root: app.dir, cacheDir: app.cacheDir, optimize: 0, ...app.plugin });

/** `pkg`: the package to import, the bundler or an alias of another major of it */
const rollupBuild = (pkg: string): Build => async (app, entry, outDir) => {
  const { rollup } = await import(pkg) as typeof import('rollup');
  // the program API stays an import: Node resolves it through the app's node_modules
  const bundle = await rollup({ input: join(app.dir, entry), plugins: [elfRollup(options(app))], external: ['unplugin-elf/program'], onwarn: () => {} });
  await bundle.write({ dir: outDir, format: 'es', entryFileNames: 'main.js' });
  await bundle.close();
};

/** an SSR build: vite's way to bundle for Node */
function viteConfig(app: App, entry: string, outDir: string, extra: object = {}) {
  return {
    root: app.dir, configFile: false as const, logLevel: 'silent' as const, base: './', plugins: [elfVite(options(app))],
    build: { ssr: join(app.dir, entry), outDir, emptyOutDir: true, target: 'esnext', rollupOptions: { output: { entryFileNames: 'main.js' } }, ...extra },
  };
}

const viteBuild = (pkg: string): Build => async (app, entry, outDir) => {
  const { build } = await import(pkg) as typeof import('vite');
  await build(viteConfig(app, entry, outDir));
};

function esbuildConfig(app: App, entry: string, outDir: string) {
  return { absWorkingDir: app.dir, entryPoints: [entry], bundle: true, format: 'esm' as const, platform: 'node' as const, outdir: outDir, entryNames: 'main', logLevel: 'silent' as const };
}

const esbuild: Build = async (app, entry, outDir) => {
  const { build } = await import('esbuild');
  await build({ ...esbuildConfig(app, entry, outDir), plugins: [elfEsbuild(options(app))] });
};

/** webpack and rspack share their configuration (webpack 5 also needs experiments.outputModule; rspack 2 has it built in) */
function webpackConfig(app: App, entry: string, outDir: string) {
  return {
    mode: 'production' as const, context: app.dir, entry: `./${entry}`, target: 'node' as const, devtool: false as const,
    output: { path: outDir, filename: 'main.js', module: true, chunkFormat: 'module' as const, library: { type: 'module' as const } },
    optimization: { minimize: false },
  };
}

type Stats = { hasErrors(): boolean; hasWarnings(): boolean; toString(o: object): string };
/** a webpack/rspack `compiler.run`, rejecting with the error text when the build fails or warns
 *  (the plugin's output must build cleanly: "Critical dependency" warnings came from it before) */
export function compile(run: (cb: (err: Error | null, stats?: Stats) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((err, stats) => {
    if (err) reject(err);
    else if (stats?.hasErrors() || stats?.hasWarnings()) reject(new Error(stats.toString({ all: false, errors: true, warnings: true })));
    else resolve();
  }));
}

const webpack: Build = async (app, entry, outDir) => {
  const { default: webpack } = await import('webpack');
  const compiler = webpack({ ...webpackConfig(app, entry, outDir), experiments: { outputModule: true }, plugins: [elfWebpack(options(app))] });
  await compile((cb) => compiler.run(cb));
  await new Promise((r) => compiler.close(r));
};

/** `outputModule`: rspack 1 needs the experiment for ES-module output */
const rspackBuild = (pkg: string, outputModule = false): Build => async (app, entry, outDir) => {
  const { rspack } = await import(pkg) as typeof import('@rspack/core');
  const compiler = rspack({ ...webpackConfig(app, entry, outDir), ...(outputModule && { experiments: { outputModule: true } as object }), plugins: [elfRspack(options(app))] });
  await compile((cb) => compiler.run(cb));
  await new Promise((r) => compiler.close(r));
};

export const builders: Record<string, Build> = { rollup: rollupBuild('rollup'), vite: viteBuild('vite'), esbuild, webpack, rspack: rspackBuild('@rspack/core') };

/** the other majors of the peer ranges (webpack has one, esbuild one minor) */
export const otherMajors: Record<string, Build> = { 'rollup 3': rollupBuild('rollup3'), 'vite 8': viteBuild('vite8'), 'rspack 1': rspackBuild('rspack1', true) };

// --- watch mode ---------------------------------------------------------------------------------

/** A bundler watching an app: `builds(n)` resolves once n builds have finished (rejecting on a
 *  failed one), `close()` stops watching. */
export interface Watching { builds(n: number): Promise<void>; close(): Promise<void> }
export type Watch = (app: App, entry: string, outDir: string) => Promise<Watching>;

/** counts finished builds for a Watching */
function buildLog(close: () => Promise<void>): Watching & { done(): void; failed(e: unknown): void } {
  let count = 0;
  let error: unknown;
  const waiting: (() => void)[] = [];
  const wake = (): void => { for (const w of waiting.splice(0)) w(); };
  return {
    done() { count++; wake(); },
    failed(e) { error ??= e; wake(); },
    builds(n) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else if (count >= n) resolve();
          else waiting.push(check);
        };
        check();
      });
    },
    close,
  };
}

type RollupWatcher = { on(e: 'event', fn: (e: { code: string; error?: unknown; result?: { close(): Promise<void> } | null }) => void): void; close(): Promise<void> };
function rollupEvents(watcher: RollupWatcher): Watching {
  const log = buildLog(() => watcher.close());
  watcher.on('event', (e) => {
    void e.result?.close();
    if (e.code === 'BUNDLE_END') log.done();
    else if (e.code === 'ERROR') log.failed(e.error);
  });
  return log;
}

function webpackEvents(start: (cb: (err: Error | null, stats?: Stats) => void) => { close(cb: () => void): void } | undefined): Watching {
  let watching: { close(cb: () => void): void } | undefined;
  const log = buildLog(() => new Promise<void>((resolve) => (watching ? watching.close(resolve) : resolve())));
  watching = start((err, stats) => {
    if (err) log.failed(err);
    else if (stats?.hasErrors()) log.failed(new Error(stats.toString({ all: false, errors: true })));
    else log.done();
  });
  return log;
}

export const watchers: Record<string, Watch> = {
  async rollup(app, entry, outDir) {
    const { watch } = await import('rollup');
    return rollupEvents(watch({
      input: join(app.dir, entry), plugins: [elfRollup(options(app))], external: ['unplugin-elf/program'], onwarn: () => {},
      output: { dir: outDir, format: 'es', entryFileNames: 'main.js' }, watch: { buildDelay: 50 },
    }) as unknown as RollupWatcher);
  },
  async vite(app, entry, outDir) {
    const { build } = await import('vite');
    return rollupEvents(await build(viteConfig(app, entry, outDir, { watch: { buildDelay: 50 } })) as unknown as RollupWatcher);
  },
  async esbuild(app, entry, outDir) {
    const { context } = await import('esbuild');
    let log: ReturnType<typeof buildLog> | undefined;
    // after unplugin-elf's onEnd, which writes the wasm
    const notify = { name: 'notify', setup(b: { onEnd(fn: (r: { errors: unknown[] }) => void): void }) {
      b.onEnd((r) => (r.errors.length ? log?.failed(new Error(JSON.stringify(r.errors))) : log?.done()));
    } };
    const ctx = await context({ ...esbuildConfig(app, entry, outDir), plugins: [elfEsbuild(options(app)), notify] });
    log = buildLog(() => ctx.dispose());
    await ctx.watch();
    return log;
  },
  async webpack(app, entry, outDir) {
    const { default: webpack } = await import('webpack');
    const compiler = webpack({ ...webpackConfig(app, entry, outDir), experiments: { outputModule: true }, plugins: [elfWebpack(options(app))] });
    return webpackEvents((cb) => compiler.watch({ aggregateTimeout: 50 }, cb));
  },
  async rspack(app, entry, outDir) {
    const { rspack } = await import('@rspack/core');
    const compiler = rspack({ ...webpackConfig(app, entry, outDir), plugins: [elfRspack(options(app))] });
    return webpackEvents((cb) => compiler.watch({ aggregateTimeout: 50 }, cb));
  },
};
