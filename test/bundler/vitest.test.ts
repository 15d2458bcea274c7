// vitest in an app that uses the vite plugin: a test file imports hello.elf and runs it (on the
// test's thread and in a worker_threads worker), as an app's own tests would.
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { expected, makeApp, removeApp, ROOT } from './app.ts';

const app = makeApp();
afterAll(() => removeApp(app));

it('runs an app test importing a .elf through the vite plugin', () => {
  symlinkSync(join(ROOT, 'node_modules/vitest'), join(app.dir, 'node_modules/vitest'), 'dir');
  writeFileSync(join(app.dir, 'vitest.config.mjs'), [
    "import elf from 'unplugin-elf/vite';",
    `export default { plugins: [elf({ cacheDir: ${JSON.stringify(app.cacheDir)}, quiet: true })], test: { include: ['*.test.mjs'] } };`,
    '',
  ].join('\n'));
  writeFileSync(join(app.dir, 'hello.test.mjs'), [
    "import { expect, it } from 'vitest';",
    "import hello from './hello.elf';",
    `const expected = ${JSON.stringify(expected)};`,
    'const shown = (r) => ({ stdout: r.stdout, stderr: r.stderr, status: r.exitCode });',
    "it('runs', async () => { expect(shown(await hello.run({ args: ['one', 'two three'] }))).toEqual(expected); });",
    "it('runs in a worker', async () => { expect(shown(await hello.run({ args: ['one', 'two three'], worker: true }))).toEqual(expected); });",
    '',
  ].join('\n'));
  let out: string;
  try {
    out = execFileSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', app.dir, '--reporter', 'verbose'], {
      cwd: app.dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`the app's vitest run failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
  expect(out).toMatch(/✓ hello\.test\.mjs > runs\b/);
  expect(out).toMatch(/✓ hello\.test\.mjs > runs in a worker/);
  expect(out).toMatch(/Tests\s+2 passed \(2\)/);
}, 180_000);
