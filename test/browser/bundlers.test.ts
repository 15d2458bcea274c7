// End to end in a real browser (Debian's chromium through playwright-core): each bundler builds a
// page importing hello.elf and progs.elf; the page runs them (on its thread, in a worker, and `wc`
// with stdin and streamed stdout) and must show exactly what qemu-aarch64 recorded.
//
// Worker mode needs the bundler to follow the program API's
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`: vite (build and dev),
// webpack and rspack do. rollup and esbuild leave the URL as is, so it points at a worker.js that is
// not in the output (HTTP 404): the run rejects with ProgramError WORKER_FAILED (the program itself
// still runs on the page's thread; pass `worker` a factory for a worker you bundle yourself).
// Under vite's dev server with unplugin-elf linked from outside the app (npm link, a monorepo),
// the worker URL is /@fs/<the package>/dist/worker.js, which vite's server.fs.allow refuses (403)
// unless the package's directory is allowed: the same WORKER_FAILED.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeApp, type App } from '../bundler/app.ts';
import { asRecorded, expectedHello, expectedWc, launchChromium, makePageApp, openPage, pageBuilders, serveDir, viteDev, type PageResult } from './app.ts';

let browser: Browser | undefined;
let app: App | undefined; // unplugin-elf installed in the app (a copy)
let linked: App | undefined; // unplugin-elf symlinked to this repo, sharing app's translation cache

beforeAll(async () => {
  app = makePageApp({ installed: true });
  linked = makePageApp({ installed: false, cacheDir: app.cacheDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  removeApp(linked);
  removeApp(app);
});

type Served = { origin: string; close(): Promise<void> };
/** what a `worker: true` run does: runs, or fails as the worker script is refused with this status */
type WorkerOutcome = 'runs' | 404 | 403;

const targets: [string, WorkerOutcome, () => Promise<Served>][] = [
  ...Object.entries(pageBuilders).map(([name, build]): [string, WorkerOutcome, () => Promise<Served>] => [
    name, name === 'rollup' || name === 'esbuild' ? 404 : 'runs', async () => {
      const out = join(app!.dir, `out-${name}`);
      await build(app!, out);
      return serveDir(out);
    }]),
  ['vite dev', 'runs', () => viteDev(app!)],
  ['vite dev (linked package)', 403, () => viteDev(linked!)],
];

for (const [name, worker, start] of targets) {
  describe(`${name} in chromium`, () => {
    let shown: PageResult;

    beforeAll(async () => {
      if (!browser || !app) throw new Error('no browser (see the first failure)');
      const t0 = performance.now();
      const server = await start();
      const t1 = performance.now();
      try {
        shown = await openPage(browser, `${server.origin}/index.html`);
      } finally {
        await server.close();
      }
      const ms = (a: number, b: number): string => `${Math.round(b - a)} ms`;
      console.info(`${name}: build/start ${ms(t0, t1)}, page ${ms(t1, performance.now())}${shown.problems.length ? `; page reported:\n  ${shown.problems.join('\n  ')}` : ''}`);
    });

    it('runs hello.elf on the page as qemu-aarch64 did', () => {
      expect(asRecorded(shown.runs.main), shown.problems.join('\n')).toEqual({ ...expectedHello, error: '' });
    });

    if (worker === 'runs') {
      it('runs hello.elf in a worker (worker: true)', () => {
        expect(asRecorded(shown.runs.worker), shown.problems.join('\n')).toEqual({ ...expectedHello, error: '' });
      });
    } else {
      it(`rejects worker: true with WORKER_FAILED (HTTP ${worker} for the worker script)`, () => {
        expect(shown.runs.worker).toEqual({
          stdout: '', stderr: '', status: 'error',
          error: 'ProgramError WORKER_FAILED: elf program "hello": worker: the worker script failed to load or crashed',
        });
        const url = worker === 404 ? /\/worker\.js$/ : /\/@fs\/.*\/dist\/worker\.js\?worker_file&type=module$/;
        expect(shown.problems.filter((p) => p.startsWith(`HTTP ${worker}: `)).map((p) => p.replace(/^HTTP \d+: /, ''))).toEqual([expect.stringMatching(url)]);
      });
    }

    it('runs wc on a stdin, streaming stdout through onStdout', () => {
      expect(asRecorded(shown.runs.wc), shown.problems.join('\n')).toEqual({ ...expectedWc, error: '' });
      expect(shown.streamed).toBe(expectedWc.stdout);
    });
  });
}
