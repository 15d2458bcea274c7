// A throwaway app for bundler tests: main.js imports hello.elf (the musl hello fixture) and prints
// its run result as JSON; bad.js imports an x86-64 ELF, dynamic.js a dynamically linked one.
// node_modules/unplugin-elf links to this repo, so `unplugin-elf/program` resolves to its dist/
// (built by the suite's global setup).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Options } from '../../src/bundler/options.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures');

export const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected/hello-musl/args.json'), 'utf8')) as { stdout: string; stderr: string; status: number };

export interface App {
  dir: string;
  cacheDir: string;
  /** more plugin options for the builds */
  plugin?: Partial<Options>;
}

export function makeApp(): App {
  const dir = mkdtempSync(join(tmpdir(), 'unplugin-elf-app-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules/unplugin-elf'), 'dir');
  copyFileSync(join(FIXTURES, 'bin/hello-musl'), join(dir, 'hello.elf'));
  copyFileSync(join(FIXTURES, 'elf/x86-64-head'), join(dir, 'bad.elf'));
  copyFileSync(join(FIXTURES, 'elf/hello-dynamic'), join(dir, 'dynamic.elf'));
  writeFileSync(join(dir, 'main.js'), [
    "import prog from './hello.elf';",
    "prog.run({ args: ['one', 'two three'] }).then((r) => console.log(JSON.stringify({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr })));",
    '',
  ].join('\n'));
  // the same run in a worker (worker_threads under Node): the bundle must carry the worker entry
  writeFileSync(join(dir, 'worker.js'), [
    "import prog from './hello.elf';",
    "prog.run({ args: ['one', 'two three'], worker: true }).then((r) => console.log(JSON.stringify({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr })));",
    '',
  ].join('\n'));
  // runs hello.elf with this process's arguments (watch tests)
  writeFileSync(join(dir, 'argv.js'), [
    "import prog from './hello.elf';",
    "prog.run({ args: process.argv.slice(2) }).then((r) => console.log(JSON.stringify({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr })));",
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'bad.js'), "import prog from './bad.elf';\nconsole.log(prog.name);\n");
  writeFileSync(join(dir, 'dynamic.js'), "import prog from './dynamic.elf';\nconsole.log(prog.name);\n");
  return { dir, cacheDir: join(dir, 'cache') };
}

export function removeApp(app: App | undefined): void {
  if (app) rmSync(app.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

/**
 * removeApp for an app a dev server ran in: vite's dependency optimizer may go on pre-bundling
 * (binaryen takes seconds on a loaded machine) and writing node_modules/.vite after its server
 * closed (ENOTEMPTY in CI), so the removal is retried, letting it finish, for up to a minute
 */
export async function removeServedApp(app: App | undefined): Promise<void> {
  for (const until = Date.now() + 60_000; ;) {
    try {
      return removeApp(app);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOTEMPTY' || Date.now() > until) throw e;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** runs a built bundle with Node and parses the JSON line it prints */
export function runBundle(file: string, args: string[] = []): { exitCode: number; stdout: string; stderr: string } {
  const out = execFileSync(process.execPath, [file, ...args], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '') as { exitCode: number; stdout: string; stderr: string };
}

/** every file under `dir`, relative */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}
