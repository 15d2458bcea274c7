// Watch mode: each bundler watches an app importing hello.elf; replacing the .elf with another
// executable rebuilds the bundle, which then runs the new program as qemu-aarch64 did.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expected, makeApp, removeApp, ROOT, runBundle } from './app.ts';
import { watchers } from './builders.ts';

const FIXTURES = join(ROOT, 'test/fixtures');
const intmath = JSON.parse(readFileSync(join(FIXTURES, 'expected/progs-musl-O2/intmath.json'), 'utf8')) as typeof expected;
const shown = (r: { exitCode: number; stdout: string; stderr: string }): typeof expected => ({ stdout: r.stdout, stderr: r.stderr, status: r.exitCode });

// one translation cache for all: progs-musl-O2 is translated once
const shared = makeApp();
afterAll(() => removeApp(shared));

for (const [name, watch] of Object.entries(watchers)) {
  describe(`${name} --watch`, () => {
    const app = { ...makeApp(), cacheDir: shared.cacheDir };
    afterAll(() => removeApp(app));

    it('rebuilds when the imported .elf changes', async () => {
      const out = join(app.dir, 'dist');
      const watching = await watch(app, 'argv.js', out);
      try {
        await watching.builds(1);
        expect(shown(runBundle(join(out, 'main.js'), ['one', 'two three']))).toEqual(expected);
        copyFileSync(join(FIXTURES, 'bin/progs-musl-O2'), join(app.dir, 'hello.elf'));
        await watching.builds(2);
        expect(shown(runBundle(join(out, 'main.js'), ['intmath']))).toEqual(intmath);
      } finally {
        await watching.close();
      }
    }, 120_000);
  });
}
