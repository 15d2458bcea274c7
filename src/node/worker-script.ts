// Starting a worker_threads worker from one of our modules, built or not.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * The script for `new Worker(...)` running the module at `url`: the URL itself in the package
 * (dist/*.js); from source (this repository's tests) a loader hook strips the types with esbuild
 * first (tsx would do it too, but it also transforms binaryen's 12 MB, which takes a minute).
 */
export function workerScript(url: URL): [string | URL, { eval?: boolean }] {
  if (!url.pathname.endsWith('.ts')) return [url, {}];
  const esbuild = pathToFileURL(createRequire(import.meta.url).resolve('esbuild')).href;
  const hooks = `import { readFileSync } from 'node:fs'; import { fileURLToPath } from 'node:url'; import esbuild from ${JSON.stringify(esbuild)};
    export async function load(url, context, next) {
      if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
      const file = fileURLToPath(url);
      const { code } = esbuild.transformSync(readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', sourcefile: file, sourcemap: 'inline' });
      return { format: 'module', source: code, shortCircuit: true };
    }`;
  const main = `const { register } = await import('node:module'); register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}); await import(${JSON.stringify(url.href)});`;
  return [`import(${JSON.stringify(`data:text/javascript,${encodeURIComponent(main)}`)})`, { eval: true }];
}
