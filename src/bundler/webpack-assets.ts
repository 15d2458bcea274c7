// webpack and rspack name the files of `new URL('./x.wasm', import.meta.url)` by hash alone
// (`output.assetModuleFilename`, default `[hash][ext][query]`). The files the plugin generates
// already carry the program's name and a content hash (assets.ts), so a rule keeps that name,
// as rollup, vite and esbuild outputs have it: `busybox-<hash>.wasm`.
import { sep } from 'node:path';

interface Compiler { options: { module: { rules: unknown[] } } }

/** files under `dir` (the plugin's generated assets) keep their names in the output */
export function keepAssetNames(compiler: Compiler, dir: string): void {
  const prefix = dir.endsWith(sep) ? dir : `${dir}${sep}`;
  compiler.options.module.rules.push({
    test: (path: string) => path.startsWith(prefix),
    type: 'asset/resource',
    generator: { filename: '[name][ext]' },
  });
}
