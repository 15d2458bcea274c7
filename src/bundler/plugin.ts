// The bundler plugin: `import tool from './tool.elf'` translates the executable (through the disk
// cache), emits the .wasm as an asset, and loads a small module exporting an ElfProgram for it.
// The common `load` hook translates; where the wasm goes depends on the bundler (see `wasmUrl`).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { UnpluginBuildContext, UnpluginContext, UnpluginFactory } from 'unplugin';
import { createUnplugin } from 'unplugin';
import { ElfFormatError } from '../elf/errors.ts';
import { translateCached } from '../node/cache.ts';
import { dataUrl, loaderSource } from './loader.ts';
import { resolveOptions, type Options } from './options.ts';

/** vite's dev server serves translations under this path (below `base`) */
const DEV_PREFIX = '@unplugin-elf/';

interface Translated { name: string; file: string; wasm: Uint8Array }

type Context = UnpluginBuildContext & UnpluginContext;

export const unpluginFactory: UnpluginFactory<Options | undefined> = (raw, meta) => {
  let options = resolveOptions(raw);
  let viteDevBase: string | undefined; // set when running under vite's dev server
  const devAssets = new Map<string, Uint8Array>(); // vite dev: URL path → wasm
  const esbuildAssets = new Map<string, Uint8Array>(); // esbuild: file name in outdir → wasm

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
        let rel = relative(dirname(id), assetFile(t)).split(sep).join('/');
        if (!rel.startsWith('.')) rel = `./${rel}`;
        return `new URL(${JSON.stringify(rel)}, import.meta.url)`;
      }
      case 'esbuild':
        // esbuild has no asset emission for plugins: the onEnd hook writes the file into outdir
        esbuildAssets.set(t.file, t.wasm);
        return `new URL(${JSON.stringify(`./${t.file}`)}, import.meta.url)`;
      default: {
        // rollup and vite build: a hashed asset, its URL resolved by the bundler
        const emit = (ctx as unknown as { emitFile(f: { type: 'asset'; name: string; source: Uint8Array }): string }).emitFile;
        const ref = emit.call(ctx, { type: 'asset', name: `${t.name}.wasm`, source: t.wasm });
        return `import.meta.ROLLUP_FILE_URL_${ref}`;
      }
    }
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
        return loaderSource(t.name, wasmUrl(this, id, t, ssr));
      },
    },
    vite: {
      config() {
        // the program API's `new URL(…, import.meta.url)` (its worker) must survive dev pre-bundling
        return { optimizeDeps: { exclude: ['unplugin-elf'] } };
      },
      configResolved(config) {
        if (!raw?.root) options = resolveOptions(raw, config.root);
        if (config.command === 'serve') viteDevBase = config.base.endsWith('/') ? config.base : `${config.base}/`;
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
    esbuild: {
      loader: 'js',
      setup(build) {
        build.onEnd((result) => {
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
