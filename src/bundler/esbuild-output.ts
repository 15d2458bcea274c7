// esbuild gives plugins no asset emission: the plugin writes its files into the output directory
// itself (or adds them to an in-memory build's outputFiles), and bundles the worker entry with a
// build of its own.
import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import type { OutputFile, PluginBuild } from 'esbuild';
import { isBinaryenNodeModule, nodeModuleShimFile, workerEntryFile } from './worker-entry.ts';

/** the absolute directory esbuild writes the bundle into (undefined when it has none: stdout) */
export function esbuildOutDir(build: PluginBuild): string | undefined {
  const { outdir, outfile, absWorkingDir } = build.initialOptions;
  const dir = outdir ?? (outfile ? dirname(outfile) : undefined);
  return dir === undefined ? undefined : resolve(absWorkingDir ?? process.cwd(), dir);
}

/** an esbuild OutputFile for an in-memory build's result */
export function outputFile(path: string, contents: Uint8Array): OutputFile {
  return { path, contents, hash: createHash('sha256').update(contents).digest('base64url').slice(0, 12), get text() { return new TextDecoder().decode(contents); } };
}

/** the worker entry's file and the chunks it loads lazily (the run-time lifter), by name */
export interface BuiltWorker { file: string; files: Map<string, Uint8Array> }

/** The worker entry bundled by esbuild with the app build's platform and output settings, split
 *  so that the run-time lifter (binaryen) is a chunk loaded only when a program needs it; files
 *  are named by their content hash so that they can be cached like the rest of the output. */
export async function buildEsbuildWorker(build: PluginBuild): Promise<BuiltWorker> {
  const o = build.initialOptions;
  const ext = o.outExtension?.['.js'] ?? '.js';
  const result = await build.esbuild.build({
    entryPoints: [workerEntryFile()], bundle: true, write: false, format: 'esm', logLevel: 'silent', splitting: true,
    outdir: '/unplugin-elf-worker', entryNames: 'unplugin-elf-worker-[hash]', chunkNames: 'unplugin-elf-[name]-[hash]', outExtension: { '.js': ext },
    platform: o.platform, target: o.target, minify: o.minify, packages: o.packages, external: o.external,
    conditions: o.conditions, mainFields: o.mainFields, alias: o.alias, define: o.define, absWorkingDir: o.absWorkingDir,
    plugins: [{
      name: 'unplugin-elf-node-module',
      setup(b) { b.onResolve({ filter: /^node:module$/ }, (a) => (isBinaryenNodeModule(a.path, a.importer) ? { path: nodeModuleShimFile() } : undefined)); },
    }],
  });
  const files = new Map(result.outputFiles.filter((f) => f.path.endsWith(ext)).map((f) => [basename(f.path), f.contents]));
  const file = [...files.keys()].find((f) => f.startsWith('unplugin-elf-worker-'));
  if (!file) throw new Error('esbuild produced no worker entry');
  return { file, files };
}
