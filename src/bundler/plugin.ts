// The bundler plugin: `import tool from './tool.elf'` translates the executable (through the disk
// cache), emits the .wasm as an asset, and loads a small module exporting an ElfProgram for it.
// The common `load` hook translates; where the wasm goes depends on the bundler (see `wasmUrl`).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginBuild } from 'esbuild';
import type { UnpluginBuildContext, UnpluginContext, UnpluginFactory } from 'unplugin';
import { createUnplugin } from 'unplugin';
import { ElfFormatError } from '../elf/errors.ts';
import { translateCached } from '../node/cache.ts';
import { dataUrl, loaderSource, type WorkerRef } from './loader.ts';
import { resolveOptions, type Options } from './options.ts';
import { buildEsbuildWorker, packageRoot, targetsNode, workerEntryFile, type BuiltWorker } from './worker-entry.ts';

/** vite's dev server serves translations under this path (below `base`) */
const DEV_PREFIX = '@unplugin-elf/';

interface Translated { name: string; file: string; wasm: Uint8Array }

type Context = UnpluginBuildContext & UnpluginContext;

/** what rollup and vite give plugins beyond unplugin's common context */
interface RollupContext {
  resolve(source: string, importer: string, options?: { skipSelf?: boolean }): Promise<{ id: string; external: boolean | string } | null>;
  emitFile(file: { type: 'asset'; name: string; source: Uint8Array } | { type: 'chunk'; id: string; name?: string }): string;
}

/** `to` as a relative URL from the directory of `from` (both file paths) */
function relativeUrl(from: string, to: string): string {
  const rel = relative(dirname(from), to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export const unpluginFactory: UnpluginFactory<Options | undefined> = (raw, meta) => {
  let options = resolveOptions(raw);
  let viteDevBase: string | undefined; // set when running under vite's dev server
  const devAssets = new Map<string, Uint8Array>(); // vite dev: URL path → wasm
  const esbuildAssets = new Map<string, Uint8Array>(); // esbuild: file name in outdir → wasm
  let esbuild: { build: PluginBuild; worker?: Promise<BuiltWorker> } | undefined;
  let webpackNode = false; // webpack/rspack building for Node
  // vite SSR builds drop emitted assets (build.ssrEmitAssets), but the server needs its wasm
  const ssrAssets = new Map<string, Uint8Array>(); // reference id → wasm

  async function translateFile(ctx: Context, id: string): Promise<Translated> {
    const shown = relative(options.root, id) || id;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(id);
    } catch (e) {
      return fail(ctx, `cannot read ${shown}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const t0 = performance.now();
    let result: { wasm: Uint8Array; cached: boolean };
    try {
      result = await translateCached(bytes, { optimize: options.optimize }, options.cacheDir);
    } catch (e) {
      // ElfFormatError messages are written for the person who supplied the file
      const why = e instanceof ElfFormatError ? e.message : e instanceof Error ? e.stack ?? e.message : String(e);
      return fail(ctx, `cannot translate ${shown}: ${why}`);
    }
    const { wasm, cached } = result;
    if (!options.quiet) {
      const took = cached ? '(cached)' : `in ${Math.round(performance.now() - t0)} ms`;
      console.log(`[unplugin-elf] ${basename(id)} → ${Math.round(wasm.byteLength / 1024)} KiB wasm ${took}`);
    }
    const name = basename(id).replace(/\.[^.]*$/, '') || 'program';
    const hash = createHash('sha256').update(wasm).digest('hex').slice(0, 8);
    return { name, file: `${name}-${hash}.wasm`, wasm };
  }

  /** the wasm as a file under the cache dir (written once: its name holds its hash) */
  function assetFile(t: Translated): string {
    const file = join(options.cacheDir, 'assets', t.file);
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, t.wasm);
    }
    return file;
  }

  /** A JS expression for the wasm's URL in the output, after putting the wasm where it belongs. */
  function wasmUrl(ctx: Context, id: string, t: Translated, ssr: boolean): string {
    if (t.wasm.byteLength < options.inlineLimit) return dataUrl(t.wasm);
    // vite's dev SSR (and vitest) run the module in Node, where a file: URL loads directly
    if (viteDevBase !== undefined && ssr) return JSON.stringify(pathToFileURL(assetFile(t)).href);
    if (viteDevBase !== undefined) {
      const path = `${viteDevBase}${DEV_PREFIX}${t.file}`;
      devAssets.set(path, t.wasm);
      // a plain string: vite's dev transform of `new URL(…, import.meta.url)` would look for a file
      return JSON.stringify(path);
    }
    switch (meta.framework) {
      case 'webpack':
      case 'rspack': {
        // asset modules: webpack and rspack turn `new URL('./x.wasm', import.meta.url)` into an
        // emitted, hashed asset, so the wasm only has to exist as a file beside a known path
        return `new URL(${JSON.stringify(relativeUrl(id, assetFile(t)))}, import.meta.url)`;
      }
      case 'esbuild':
        // esbuild has no asset emission for plugins: the onEnd hook writes the file into outdir
        esbuildAssets.set(t.file, t.wasm);
        return `new URL(${JSON.stringify(`./${t.file}`)}, import.meta.url)`;
      default: {
        // rollup and vite build: a hashed asset, its URL resolved by the bundler
        const ref = (ctx as unknown as RollupContext).emitFile({ type: 'asset', name: `${t.name}.wasm`, source: t.wasm });
        if (meta.framework === 'vite' && ssr) ssrAssets.set(ref, t.wasm);
        return `import.meta.ROLLUP_FILE_URL_${ref}`;
      }
    }
  }

  /** Where `run({ worker: true })` finds its worker in this output (see worker-entry.ts);
   *  undefined where the program API's own `new Worker(new URL(…))` works. */
  async function workerRef(ctx: Context, id: string, ssr: boolean): Promise<WorkerRef | undefined> {
    switch (meta.framework) {
      case 'webpack':
      case 'rspack':
        return webpackNode ? { threads: relativeUrl(id, workerEntryFile()) } : undefined;
      case 'esbuild': {
        if (!esbuild) return undefined;
        esbuild.worker ??= buildEsbuildWorker(esbuild.build);
        const { file } = await esbuild.worker.catch((e: unknown) => fail(ctx, `cannot bundle the worker entry: ${e instanceof Error ? e.message : String(e)}`));
        return { url: `new URL(${JSON.stringify(`./${file}`)}, import.meta.url)` };
      }
      case 'vite':
        // vite bundles the browser worker itself; its dev SSR loads the program API from disk;
        // a vite SSR build is a rollup build for Node
        return viteDevBase === undefined && ssr ? emitWorkerChunk(ctx as unknown as RollupContext, id) : undefined;
      default:
        return emitWorkerChunk(ctx as unknown as RollupContext, id);
    }
  }

  /** rollup: the worker entry as an extra chunk of the output (sharing chunks with the app) */
  async function emitWorkerChunk(rollup: RollupContext, id: string): Promise<WorkerRef | undefined> {
    // an external (or unresolved) program API runs from its package, beside its own worker
    const api = await rollup.resolve('unplugin-elf/program', id, { skipSelf: true });
    if (!api || api.external) return undefined;
    const entry = await rollup.resolve('unplugin-elf/worker', id, { skipSelf: true });
    const ref = rollup.emitFile({ type: 'chunk', id: entry && !entry.external ? entry.id : workerEntryFile(), name: 'unplugin-elf-worker' });
    return { url: `import.meta.ROLLUP_FILE_URL_${ref}` };
  }

  return {
    name: 'unplugin-elf',
    enforce: 'pre',
    load: {
      filter: { id: { include: options.include, exclude: options.exclude } },
      // vite passes `{ ssr }` as a second argument; the other bundlers pass nothing
      async handler(rawId, ...rest: unknown[]) {
        const id = rawId.replace(/[?#].*$/, '');
        this.addWatchFile(id);
        const t = await translateFile(this, id);
        const ssr = (rest[0] as { ssr?: boolean } | undefined)?.ssr === true;
        return loaderSource(t.name, wasmUrl(this, id, t, ssr), await workerRef(this, id, ssr));
      },
    },
    vite: {
      config() {
        // the program API's `new URL(…, import.meta.url)` (its worker) must survive dev pre-bundling
        return { optimizeDeps: { exclude: ['unplugin-elf'] } };
      },
      configResolved(config) {
        if (!raw?.root) options = resolveOptions(raw, config.root);
        if (config.command === 'serve') {
          viteDevBase = config.base.endsWith('/') ? config.base : `${config.base}/`;
          // the dev server serves the program API's worker from this package's dist/ (/@fs/… when
          // the package is linked from outside the app), which server.fs.allow must let through
          const allow = config.server.fs.allow;
          const dir = packageRoot().split(sep).join('/');
          if (!allow.some((a) => dir === a || dir.startsWith(a.endsWith('/') ? a : `${a}/`))) allow.push(dir);
        }
      },
      writeBundle(output) {
        if (!ssrAssets.size || !output.dir) return;
        const ctx = this as unknown as { getFileName(ref: string): string };
        for (const [ref, wasm] of ssrAssets) {
          const file = join(output.dir, ctx.getFileName(ref));
          if (!existsSync(file)) {
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, wasm);
          }
        }
        ssrAssets.clear();
      },
      configureServer(server) {
        server.middlewares.use((req, res, next) => {
          const wasm = devAssets.get((req.url ?? '').replace(/[?#].*$/, ''));
          if (!wasm) return next();
          res.setHeader('Content-Type', 'application/wasm');
          res.setHeader('Content-Length', String(wasm.byteLength));
          res.setHeader('Cache-Control', 'no-cache');
          res.end(wasm);
        });
      },
    },
    webpack(compiler) {
      webpackNode = targetsNode(compiler.options.target);
    },
    rspack(compiler) {
      webpackNode = targetsNode(compiler.options.target);
    },
    esbuild: {
      loader: 'js',
      setup(build) {
        esbuild = { build };
        build.onEnd(async (result) => {
          const worker = await esbuild?.worker?.catch(() => undefined);
          if (worker) esbuildAssets.set(worker.file, worker.code);
          if (result.errors.length || build.initialOptions.write === false || !esbuildAssets.size) return;
          const { outdir, outfile } = build.initialOptions;
          const dir = outdir ?? (outfile ? dirname(outfile) : undefined);
          if (!dir) return;
          const abs = resolve(build.initialOptions.absWorkingDir ?? process.cwd(), dir);
          mkdirSync(abs, { recursive: true });
          for (const [file, wasm] of esbuildAssets) writeFileSync(join(abs, file), wasm);
        });
      },
    },
  };
};

/** `this.error` stops the build in a bundler-native way; some adapters only record it, so throw too */
function fail(ctx: Context, message: string): never {
  const text = `[unplugin-elf] ${message}`;
  ctx.error(text);
  throw new Error(text);
}

export const unplugin = /* #__PURE__ */ createUnplugin(unpluginFactory);
export default unplugin;
