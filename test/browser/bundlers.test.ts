// End to end in a real browser (Debian's chromium through playwright-core): each bundler builds a
// page importing hello.elf and progs.elf; the page runs them (on its thread, in a worker, `wc`
// with stdin and streamed stdout, `catfiles` on files bundled by the plugin's `files` option) and
// must show exactly what qemu-aarch64 recorded.
//
// Worker mode: vite (build and dev), webpack and rspack bundle the program API's
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` themselves; for rollup
// the plugin emits the worker entry as a chunk, for esbuild it bundles it beside the output. The
// linked target is vite's dev server with unplugin-elf symlinked from outside the app (npm link,
// a monorepo): the worker is served from /@fs/<the package>/dist/, which the plugin allows.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServedApp, type App } from '../bundler/app.ts';
import { asRecorded, expectedCatfiles, expectedHello, expectedJit, expectedWc, launchChromium, makePageApp, openPage, pageBuilders, serveDir, viteDev, type PageResult } from './app.ts';

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
  await removeServedApp(linked);
  await removeServedApp(app);
});

type Served = { origin: string; close(): Promise<void> };

const targets: [string, () => Promise<Served>][] = [
  ...Object.entries(pageBuilders).map(([name, build]): [string, () => Promise<Served>] => [name, async () => {
    const out = join(app!.dir, `out-${name}`);
    await build(app!, out);
    return serveDir(out);
  }]),
  ['vite dev', () => viteDev(app!)],
  ['vite dev (linked package)', () => viteDev(linked!)],
];

for (const [name, start] of targets) {
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

    it('runs hello.elf in a worker (worker: true)', () => {
      expect(asRecorded(shown.runs.worker), shown.problems.join('\n')).toEqual({ ...expectedHello, error: '' });
    });

    it('runs wc on a stdin, streaming stdout through onStdout', () => {
      expect(asRecorded(shown.runs.wc), shown.problems.join('\n')).toEqual({ ...expectedWc, error: '' });
      expect(shown.streamed).toBe(expectedWc.stdout);
    });

    it('runs catfiles on the files the plugin bundled (files option)', () => {
      expect(asRecorded(shown.runs.files), shown.problems.join('\n')).toEqual({ ...expectedCatfiles, error: '' });
    });

    it('runs code the program writes at run time (the lifter, a lazy chunk) on the page and in a worker', () => {
      expect(asRecorded(shown.runs.jit), shown.problems.join('\n')).toEqual({ ...expectedJit, error: '' });
      expect(asRecorded(shown.runs.jitWorker), shown.problems.join('\n')).toEqual({ ...expectedJit, error: '' });
    });
  });
}
