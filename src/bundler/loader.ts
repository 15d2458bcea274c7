// The JavaScript module that stands for one .elf import. It imports only the program API, and the
// run-time lifter (with binaryen) lazily: bundlers make that a chunk of its own, fetched only when
// a program reaches code its build did not translate.

/** How the module's program starts its worker, where the program API's default does not work:
 *  `url`, a JS expression for the URL of a worker script the plugin emitted; `threads`, the
 *  relative path of the worker entry, started as a worker_threads Worker (the form webpack and
 *  rspack bundle for Node). */
export type WorkerRef = { url: string } | { threads: string };

/** `urlExpression` is a JS expression evaluating to the .wasm URL (bundler-specific); `files`
 *  pairs a guest path with a URL expression for each bundled file, `programs` for each program
 *  the guest can exec (the same expression for paths sharing a translation, `urlExpression` for
 *  the program's own: the program API shares a module between equal URLs), `libraries` for each
 *  shared library translated ahead of time (by the guest path ld.so loads it from) */
export function loaderSource(name: string, urlExpression: string, worker?: WorkerRef, files: [string, string][] = [], lifter = false, programs: [string, string][] = [], libraries: [string, string][] = []): string {
  const lines = ["import { createProgram } from 'unplugin-elf/program';"];
  // each distinct URL once: a data: URL (inlineLimit) can be large
  const distinct = [...new Set([urlExpression, ...programs.map(([, url]) => url)])];
  if (programs.length) lines.push(`const wasm = [${distinct.join(', ')}];`);
  const ref = (url: string): string => (programs.length ? `wasm[${distinct.indexOf(url)}]` : url);
  const map = (pairs: [string, string][]): string => `{ ${pairs.map(([guest, url]) => `${JSON.stringify(guest)}: ${url}`).join(', ')} }`;
  const source = [`url: ${ref(urlExpression)}`];
  if (programs.length) source.push(`programs: ${map(programs.map(([guest, url]) => [guest, ref(url)]))}`);
  if (lifter) source.push("lifter: () => import('unplugin-elf/lifter')");
  if (files.length) source.push(`fileUrls: ${map(files)}`);
  if (libraries.length) source.push(`libraries: ${map(libraries)}`);
  if (worker && 'url' in worker) source.push(`workerUrl: ${worker.url}`);
  if (worker && 'threads' in worker) {
    lines.push("import { Worker } from 'worker_threads';");
    source.push(`worker: () => new Worker(new URL(${JSON.stringify(worker.threads)}, import.meta.url))`);
  }
  lines.push(`export default createProgram(${JSON.stringify(name)}, { ${source.join(', ')} });`, '');
  return lines.join('\n');
}

/** The module of a `?url` import: the translation's URL as a string (`urlExpression` may be a URL) */
export function urlModuleSource(urlExpression: string): string {
  return `export default String(${urlExpression});\n`;
}
