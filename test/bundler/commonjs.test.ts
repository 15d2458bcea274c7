// CommonJS configs: `require('unplugin-elf/<bundler>')` loads the built package (dist/*.cjs through
// package.json's "require" conditions), and a webpack build driven from CommonJS translates and
// bundles a program that runs as under qemu.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expected, makeApp, removeApp, ROOT, runBundle } from './app.ts';

const app = makeApp();
afterAll(() => removeApp(app));

/** runs CommonJS `code` with Node in the app (where node_modules/unplugin-elf is this package) */
const node = (code: string): string => execFileSync(process.execPath, ['-e', code], { cwd: app.dir, encoding: 'utf8', timeout: 120_000 });

describe('require() from CommonJS', () => {
  for (const bundler of ['vite', 'rollup', 'webpack', 'esbuild', 'rspack']) {
    it(`require('unplugin-elf/${bundler}') gives the plugin factory`, () => {
      const out = node(`
        const elf = require('unplugin-elf/${bundler}').default;
        const plugin = elf({ quiet: true });
        console.log(JSON.stringify({ factory: typeof elf, name: plugin.name ?? null, apply: typeof plugin.apply, file: require.resolve('unplugin-elf/${bundler}') }));
      `);
      const got = JSON.parse(out) as { factory: string; name: string | null; apply: string; file: string };
      expect(got.factory).toBe('function');
      expect(got.file).toBe(join(ROOT, `dist/${bundler}.cjs`));
      // webpack and rspack plugins are objects with apply(); the others carry the plugin's name
      if (bundler === 'webpack' || bundler === 'rspack') expect(got.apply).toBe('function');
      else expect(got.name).toBe('unplugin-elf');
    });
  }

  it('a webpack build from a CommonJS config translates, bundles without warnings, and the bundle runs', () => {
    writeFileSync(join(app.dir, 'build.cjs'), `
      const webpack = require(require.resolve('webpack', { paths: [${JSON.stringify(ROOT)}] }));
      const elf = require('unplugin-elf/webpack').default;
      webpack({
        mode: 'production', context: __dirname, entry: './main.js', target: 'node', devtool: false,
        output: { path: __dirname + '/dist-cjs', filename: 'main.js', module: true, chunkFormat: 'module', library: { type: 'module' } },
        experiments: { outputModule: true }, optimization: { minimize: false },
        plugins: [elf({ cacheDir: ${JSON.stringify(app.cacheDir)}, optimize: 0, quiet: true })],
      }, (err, stats) => {
        if (err) throw err;
        const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
        console.log(JSON.stringify({ errors: errors.map((e) => e.message), warnings: warnings.map((w) => w.message) }));
      });
    `);
    const out = execFileSync(process.execPath, ['build.cjs'], { cwd: app.dir, encoding: 'utf8', timeout: 300_000 });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ errors: [], warnings: [] });
    const got = runBundle(join(app.dir, 'dist-cjs/main.js'));
    expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(expected);
  });
});
