// The bundler plugin: `import tool from './tool.elf'` translates the executable (through the disk
// cache), emits the .wasm (and the `files` option's files) as assets, and loads a small module
// exporting an ElfProgram for it. The common `load` hook translates; where the files and the
// worker go depends on the bundler (see `assetUrl` and `workerRef`).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginBuild } from 'esbuild';
import type { UnpluginBuildContext, UnpluginContext, UnpluginFactory } from 'unplugin';
import { createUnplugin } from 'unplugin';
import { makeIdFiltersToMatchWithQuery } from 'unplugin/utils/filter';
import { ElfFormatError } from '../elf/errors.ts';
import type { TranslateOptions } from '../translate-options.ts';
import { contentDigest, faultHandlerProtect, translateCached } from '../node/cache.ts';
import { readLearned } from '../node/learned.ts';
import { prestartThread } from '../node/translate-thread.ts';
import { translateLibraries } from '../node/libraries.ts';
import { interpreterFor, startupFiles } from '../node/sysroot.ts';
import { asset, contentType, dataUrl, expandFiles, relativeUrl, type Asset } from './assets.ts';
import { buildEsbuildWorker, esbuildOutDir, outputFile, type BuiltWorker } from './esbuild-output.ts';
import { parseImportQuery, resolveQueried } from './import-query.ts';
import { loaderSource, urlModuleSource, type WorkerRef } from './loader.ts';
import { keepAssetNames } from './webpack-assets.ts';
import { bundlerLog, loggedLibraryTranslator, loggedTranslator, type Log } from './progress-log.ts';
import { resolveOptions, type Options } from './options.ts';
import { isBinaryenNodeModule, nodeModuleShimFile, packageRoot, targetsNode, workerEntryFile } from './worker-entry.ts';

/** vite's dev server serves translations under this path (below `base`) */
const DEV_PREFIX = '@unplugin-elf/';

type Context = UnpluginBuildContext & UnpluginContext;

/** an executable's translation, and its shared libraries' (guest path → translation) */
interface Translated { name: string; wasm: Asset; libraries: [string, Asset][] }

/** what rollup and vite give plugins beyond unplugin's common context */
interface RollupContext {
  resolve(source: string, importer: string, options?: { skipSelf?: boolean }): Promise<{ id: string; external: boolean | string } | null>;
  emitFile(file: { type: 'asset'; name: string; source: Uint8Array } | { type: 'chunk'; id: string; name?: string }): string;
}

export const unpluginFactory: UnpluginFactory<Options | undefined> = (raw, meta) => {
  let options = resolveOptions(raw);
  let viteDevBase: string | undefined; // set when running under vite's dev server
  const devAssets = new Map<string, Uint8Array>(); // vite dev: URL path → contents
  const esbuildAssets = new Map<string, Uint8Array>(); // esbuild: file name in outdir → contents
  let esbuild: { build: PluginBuild; worker?: Promise<BuiltWorker> } | undefined;
  let webpackNode = false; // webpack/rspack building for Node
  let workerChunk = false; // rollup: the worker entry was emitted as a chunk
  let lifterImported = false; // a loader module imports the run-time lifter (lazily)
  let prestarted = false; // a translation thread was started with the first build
  // vite SSR builds drop emitted assets (build.ssrEmitAssets), but the server needs its wasm
  const ssrAssets = new Map<string, Uint8Array>(); // reference id → contents
  // vite SSR builds: files (assets and the worker chunk) that the server loads beside its bundle
  const ssrFiles = new Set<string>(); // reference ids

  /** `over`: an import's own translate options (its query); `withLibraries`: a dynamic program's
   *  libraries too (not for a `?url` import, whose module is the URL alone) */
  async function translateFile(ctx: Context, id: string, over: { optimize?: number; protect?: Options['protect'] } = {}, withLibraries = true): Promise<Translated> {
    const shown = relative(options.root, id) || id;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(id);
    } catch (e) {
      return fail(ctx, `cannot read ${shown}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const t0 = performance.now();
    const log = bundlerLog(ctx);
    let result: { wasm: Uint8Array; cached: boolean };
    let libraries: [string, Asset][] = [];
    try {
      const learned = options.learned(id);
      if (learned && existsSync(learned)) ctx.addWatchFile(learned);
      const entries = learned ? readLearned(learned, bytes) : [];
      const translator = loggedTranslator(basename(id), options.quiet ? undefined : log, options.progressInterval);
      const interpreter = interpreterFor(bytes, options.sysroot);
      const { optimize = options.optimize } = over;
      // unless chosen, 'full' for a program known to install a SIGSEGV handler: the page would lift its code at run time
      const chosen = over.protect ?? (options.protectGiven ? options.protect : undefined);
      const digest = contentDigest(bytes);
      const known = chosen === undefined ? faultHandlerProtect(bytes, { protect: options.protect }, { dir: options.cacheDir }, undefined, digest) : undefined;
      const protect = known?.options.protect ?? chosen ?? options.protect;
      if (known?.reason && !options.quiet) log(`${basename(id)} ${known.reason}: translated with protect '${protect}'`);
      result = await translateCached(bytes, { optimize, protect, relaxedSimd: options.relaxedSimd, loopReentry: options.loopReentry, entries, interpreter }, { dir: options.cacheDir, maxBytes: options.cacheSize, name: basename(id) }, translator, digest);
      if (!options.quiet) log(`${basename(id)} → ${Math.round(result.wasm.byteLength / 1024)} KiB wasm ${result.cached ? '(cached)' : `in ${Math.round(performance.now() - t0)} ms`}`);
      if (interpreter && options.translateLibraries && withLibraries) libraries = await libraryAssets(bytes, id, { optimize, protect, relaxedSimd: options.relaxedSimd, loopReentry: options.loopReentry, interpreter }, log);
    } catch (e) {
      // ElfFormatError messages are written for the person who supplied the file
      const why = e instanceof ElfFormatError ? e.message : e instanceof Error ? e.stack ?? e.message : String(e);
      return fail(ctx, `cannot translate ${shown}: ${why}`);
    }
    const { wasm } = result;
    const name = basename(id).replace(/\.[^.]*$/, '') || 'program';
    return { name, wasm: asset(`${name}.wasm`, wasm), libraries };
  }

  /** a dynamic program's start-up libraries, each translated on its own through the cache (shared
   *  by every program loading the same file); one the translator refuses is lifted at run time */
  async function libraryAssets(bytes: Uint8Array, id: string, translate: TranslateOptions, log: Log): Promise<[string, Asset][]> {
    const say = options.quiet ? undefined : log;
    const libs = await translateLibraries(bytes, id, options.sysroot, translate, {
      cache: true,
      cacheOptions: { dir: options.cacheDir, maxBytes: options.cacheSize },
      translator: loggedLibraryTranslator(say, options.progressInterval),
      trace: say,
    });
    return libs.map(({ path, wasm, cached, millis }) => {
      const file = basename(path);
      say?.(`${file} → ${Math.round(wasm.byteLength / 1024)} KiB wasm ${cached ? '(cached)' : `in ${millis} ms`}`);
      return [path, asset(`${file}.wasm`, wasm)];
    });
  }

  /** the `files` option for this .elf: guest path → the file's contents (watched) */
  function bundledFiles(ctx: Context, id: string): Map<string, Asset> {
    const found = new Map<string, Asset>();
    for (const [guest, hostPath] of Object.entries(options.files(id) ?? {})) {
      let files: [string, string][] = [];
      try {
        files = expandFiles(guest, hostPath, options.root);
      } catch (e) {
        fail(ctx, `files: ${JSON.stringify(guest)} → ${hostPath}: ${e instanceof Error ? e.message : String(e)}`);
      }
      for (const [path, host] of files) {
        ctx.addWatchFile(host);
        found.set(path, asset(basename(host), readFileSync(host)));
      }
    }
    // a dynamic program's interpreter and start-up libraries, where its ld.so looks for them (and
    // the sysroot's ld.so.cache, which it reads first: it names libraries in ld.so.conf's directories)
    const startup = startupFiles(readFileSync(id), id, options.sysroot);
    const cache = options.sysroot && join(options.sysroot, 'etc/ld.so.cache');
    if (startup.size && cache && existsSync(cache)) startup.set('/etc/ld.so.cache', cache);
    for (const [path, host] of startup) {
      if (found.has(path)) continue; // the user's own files win
      ctx.addWatchFile(host);
      found.set(path, asset(basename(host), readFileSync(host)));
    }
    return found;
  }

  /** The `programs` option for this .elf: guest path → the translation of the executable it names
   *  (one per distinct file; the importing program's own is `own`). */
  async function bundledPrograms(ctx: Context, id: string, own: Translated): Promise<[string, Translated][]> {
    const byFile = new Map<string, Promise<Translated>>([[id, Promise.resolve(own)]]);
    const found: [string, Translated][] = [];
    for (const [guest, hostPath] of Object.entries(options.programs(id) ?? {})) {
      if (!guest.startsWith('/')) fail(ctx, `programs: ${JSON.stringify(guest)} → ${hostPath}: the guest path must be absolute`);
      const host = resolve(options.root, hostPath);
      if (!byFile.has(host)) {
        ctx.addWatchFile(host);
        byFile.set(host, translateFile(ctx, host));
      }
      found.push([guest, await byFile.get(host)!]);
    }
    return found;
  }

  /** where assets are written for bundlers that need a path (webpack, rspack, vite dev SSR) */
  const assetsDir = (): string => join(options.generatedDir, 'assets');

  /** the asset as a file on disk (written once: its name holds its hash) */
  function assetFile(a: Asset): string {
    const file = join(assetsDir(), a.file);
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, a.bytes);
    }
    return file;
  }

  /** A JS expression for the asset's URL in the output, after putting it where it belongs. */
  function assetUrl(ctx: Context, id: string, a: Asset, ssr: boolean): string {
    if (a.bytes.byteLength < options.inlineLimit) return dataUrl(a.bytes, contentType(a.file));
    // vite's dev SSR (and vitest) run the module in Node, where a file: URL loads directly
    if (viteDevBase !== undefined && ssr) return JSON.stringify(pathToFileURL(assetFile(a)).href);
    if (viteDevBase !== undefined) {
      const path = `${viteDevBase}${DEV_PREFIX}${a.file}`;
      devAssets.set(path, a.bytes);
      // a plain string: vite's dev transform of `new URL(…, import.meta.url)` would look for a file
      return JSON.stringify(path);
    }
    switch (meta.framework) {
      case 'webpack':
      case 'rspack': {
        // asset modules: webpack and rspack turn `new URL('./x.wasm', import.meta.url)` into an
        // emitted, hashed asset, so the file only has to exist beside a known path
        return `new URL(${JSON.stringify(relativeUrl(id, assetFile(a)))}, import.meta.url)`;
      }
      case 'esbuild':
        // esbuild has no asset emission for plugins: the onEnd hook writes the file into outdir
        if (esbuild && !esbuildOutDir(esbuild.build)) fail(ctx, `${relative(options.root, id) || id}: esbuild writes no files without outdir or outfile, and the .wasm goes beside the bundle (set one, or inlineLimit to inline it)`);
        esbuildAssets.set(a.file, a.bytes);
        return `new URL(${JSON.stringify(`./${a.file}`)}, import.meta.url)`;
      default: {
        // rollup and vite build: a hashed asset, its URL resolved by the bundler
        const ref = (ctx as unknown as RollupContext).emitFile({ type: 'asset', name: a.name, source: a.bytes });
        if (meta.framework === 'vite' && ssr) {
          ssrAssets.set(ref, a.bytes);
          ssrFiles.add(ref);
        }
        return `import.meta.ROLLUP_FILE_URL_${ref}`;
      }
    }
  }

  /** Where `run({ worker: true })` finds its worker in this output (see worker-entry.ts);
   *  undefined where the program API's own `new Worker(new URL(…))` works. */
  async function workerRef(ctx: Context, id: string, ssr: boolean): Promise<WorkerRef | undefined> {
    if (!options.worker) return undefined;
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
    if (meta.framework === 'vite') ssrFiles.add(ref); // only vite SSR builds emit it
    workerChunk = true;
    return { url: `import.meta.ROLLUP_FILE_URL_${ref}` };
  }

  return {
    name: 'unplugin-elf',
    enforce: 'pre',
    buildStart() {
      // the first translation's thread starts with the first build (only -O0 translations take a
      // kept thread; webpack, rspack, esbuild and rollup's watch mode start a build per change): a
      // cached program leaves it to stop unused after a while
      if (prestarted || options.optimize !== 0) return;
      prestarted = true;
      prestartThread();
    },
    resolveId: {
      filter: { id: /^node:module$|\?/ },
      handler(id, importer) {
        // binaryen's node:module (see node-module-shim.ts); webpack, rspack and esbuild: in their hooks
        if (isBinaryenNodeModule(id, importer)) return meta.framework === 'rollup' || meta.framework === 'vite' ? nodeModuleShimFile() : undefined;
        // vite, webpack and rspack resolve an import's query themselves
        return meta.framework === 'rollup' || meta.framework === 'esbuild' ? resolveQueried(id, importer, options.include, options.exclude) : undefined;
      },
    },
    load: {
      // an id with a query passes the filters as without (`./tool.elf?optimize=0`)
      filter: { id: { include: idFilters(options.include), exclude: idFilters(options.exclude) } },
      // vite passes `{ ssr }` as a second argument; the other bundlers pass nothing
      async handler(rawId, ...rest: unknown[]) {
        let query;
        try {
          query = parseImportQuery(rawId);
        } catch (e) {
          return fail(this, `${relative(options.root, rawId) || rawId}: ${(e as Error).message}`);
        }
        const id = query.path;
        this.addWatchFile(id);
        const own = await translateFile(this, id, query, !query.url);
        const { name, wasm } = own;
        const ssr = (rest[0] as { ssr?: boolean } | undefined)?.ssr === true;
        if (query.url) return urlModuleSource(assetUrl(this, id, wasm, ssr));
        const files = [...bundledFiles(this, id)].map(([guest, a]): [string, string] => [guest, assetUrl(this, id, a, ssr)]);
        // one URL per distinct translation, the program's own among them
        const urls = new Map<string, string>([[wasm.file, assetUrl(this, id, wasm, ssr)]]);
        const urlOf = (a: Asset): string => {
          if (!urls.has(a.file)) urls.set(a.file, assetUrl(this, id, a, ssr));
          return urls.get(a.file)!;
        };
        const bundled = await bundledPrograms(this, id, own);
        const programs = bundled.map(([guest, t]): [string, string] => [guest, urlOf(t.wasm)]);
        // the libraries of the program and of those it can exec, by guest path (the first one wins:
        // the runtime installs a translation only over the very file it was made from)
        const libraries = new Map<string, string>();
        for (const [guest, a] of [own, ...bundled.map(([, t]) => t)].flatMap((t) => t.libraries)) if (!libraries.has(guest)) libraries.set(guest, urlOf(a));
        // esbuild inlines a dynamic import unless the build splits: the lifter would weigh on every page
        const lifter = options.lift && !(esbuild && !esbuild.build.initialOptions.splitting);
        lifterImported ||= lifter;
        return loaderSource(name, urls.get(wasm.file)!, await workerRef(this, id, ssr), files, lifter, programs, [...libraries]);
      },
    },
    vite: {
      config() {
        // the program API's `new URL(…, import.meta.url)` (its worker) must survive dev pre-bundling;
        // the worker loads the run-time lifter as a chunk of its own, which needs ES-module workers
        // binaryen is pre-bundled up front: discovered on a program's first miss, it would reload the page
        return { optimizeDeps: { exclude: ['unplugin-elf'], include: ['unplugin-elf > binaryen'] }, worker: { format: 'es' as const } };
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
      // vite 8 makes an SSR build's file URLs root-relative, for a browser (vite 7: relative to the
      // chunk): the server loads these files from beside its bundle
      resolveFileUrl({ referenceId, relativePath, format }) {
        if (!ssrFiles.has(referenceId)) return null;
        const path = JSON.stringify(relativePath.startsWith('.') ? relativePath : `./${relativePath}`);
        return format === 'cjs' ? `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${path})).href` : `new URL(${path}, import.meta.url).href`;
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
        if (options.crossOriginIsolation) server.middlewares.use(isolate);
        server.middlewares.use((req, res, next) => {
          let path = (req.url ?? '').replace(/[?#].*$/, '');
          try {
            path = decodeURIComponent(path); // file names may be any text (bundled files keep theirs)
          } catch {
            return next();
          }
          const bytes = devAssets.get(path);
          if (!bytes) return next();
          res.setHeader('Content-Type', contentType(path));
          res.setHeader('Content-Length', String(bytes.byteLength));
          res.setHeader('Cache-Control', 'no-cache');
          res.end(bytes);
        });
      },
      configurePreviewServer(server) {
        if (options.crossOriginIsolation) server.middlewares.use(isolate);
      },
    },
    rollup: {
      outputOptions(output) {
        // rollup's own error would only say that iife/umd cannot have several chunks
        const single = output.format === 'iife' || output.format === 'umd';
        if (single && workerChunk) {
          this.error(`${output.format} output is a single file, but run({ worker: true }) needs the worker entry as a chunk of its own: use format 'es' (or 'cjs' for Node), or set the plugin options worker: false (then pass run() a worker factory) and lift: false`);
        }
        if (single && lifterImported) {
          this.error(`${output.format} output is a single file, but the run-time lifter is a lazy chunk of its own (binaryen, fetched only when a program needs it): use format 'es', or set the plugin option lift: false`);
        }
        return null;
      },
    },
    webpack(compiler) {
      webpackNode = targetsNode(compiler.options.target);
      shimNodeModule(compiler);
      keepAssetNames(compiler, assetsDir());
    },
    rspack(compiler) {
      webpackNode = targetsNode(compiler.options.target);
      shimNodeModule(compiler);
      keepAssetNames(compiler, assetsDir());
    },
    esbuild: {
      loader: 'js',
      setup(build) {
        esbuild = { build };
        build.onResolve({ filter: /^node:module$/ }, (a) => (isBinaryenNodeModule(a.path, a.importer) ? { path: nodeModuleShimFile() } : undefined));
        build.onEnd(async (result) => {
          const worker = await esbuild?.worker?.catch(() => undefined);
          if (worker) for (const [file, code] of worker.files) esbuildAssets.set(file, code);
          const dir = esbuildOutDir(build);
          if (result.errors.length || !esbuildAssets.size || !dir) return;
          if (build.initialOptions.write === false) {
            // an in-memory build: the files join esbuild's own output files
            for (const [file, contents] of esbuildAssets) result.outputFiles?.push(outputFile(join(dir, file), contents));
            return;
          }
          mkdirSync(dir, { recursive: true });
          for (const [file, contents] of esbuildAssets) writeFileSync(join(dir, file), contents);
        });
      },
    },
  };
};

/**
 * vite's dev and preview servers: a cross-origin-isolated page (COOP same-origin, COEP
 * require-corp) has SharedArrayBuffer, which kill() in a worker and blocking waits need
 */
function isolate(_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void): void {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  next();
}

/** include/exclude patterns that also take the id with a query */
function idFilters(patterns: Options['include']): Options['include'] {
  return patterns === undefined ? undefined : makeIdFiltersToMatchWithQuery(patterns);
}

type ReplacementPlugin = new (re: RegExp, replace: (r: { request: string; context: string }) => void) => { apply(compiler: never): void };

/** webpack and rspack: scheme requests (node:…) never reach resolver plugins, so binaryen's
 *  node:module is replaced by its stand-in before resolution */
function shimNodeModule(compiler: { webpack: { NormalModuleReplacementPlugin: unknown } }): void {
  const Plugin = compiler.webpack.NormalModuleReplacementPlugin as ReplacementPlugin;
  new Plugin(/^node:module$/, (r) => {
    if (isBinaryenNodeModule(r.request, `${r.context}/`)) r.request = nodeModuleShimFile();
  }).apply(compiler as never);
}

/** `this.error` stops the build in a bundler-native way; some adapters only record it, so throw too.
 *  rollup, vite and esbuild put the plugin's name in front of the message themselves; webpack and
 *  rspack name only unplugin's loader, so the message names the plugin there. */
function fail(ctx: Context, message: string): never {
  const framework = ctx.getNativeBuildContext?.().framework;
  const text = framework === 'webpack' || framework === 'rspack' ? `[unplugin-elf] ${message}` : message;
  ctx.error(text);
  throw new Error(text);
}

export const unplugin = /* #__PURE__ */ createUnplugin(unpluginFactory);
export default unplugin;
