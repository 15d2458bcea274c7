// Per-import options in the import's query (`./hello.elf?protect=bounds`, `./hello.elf?url`) in
// every bundler: the program runs as under qemu-aarch64 with its own translation, `?url` gives the
// URL of the plugin-wide one, and an unknown key fails the build naming it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { TranslationMeta } from '../../src/meta.ts';
import { META_SECTION, readJsonSection } from '../../src/wasm/custom-section.ts';
import { expected, listFiles, makeApp, removeApp, runBundle } from './app.ts';
import { builders, otherMajors } from './builders.ts';

const app = makeApp();
writeFileSync(join(app.dir, 'query.js'), [
  "import prog from './hello.elf?protect=bounds&optimize=0';",
  "import url from './hello.elf?url';",
  "prog.run({ args: ['one', 'two three'] }).then((r) => console.log(JSON.stringify({ url, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr })));",
  '',
].join('\n'));
writeFileSync(join(app.dir, 'bad-query.js'), "import prog from './hello.elf?optimise=1';\nconsole.log(prog.name);\n");
afterAll(() => removeApp(app));

const protectOf = (file: string): string | undefined => readJsonSection<TranslationMeta>(new WebAssembly.Module(readFileSync(file)), META_SECTION)?.protect;

const bundlers = { ...builders, 'vite 8': otherMajors['vite 8']! };
describe.each(Object.entries(bundlers))('%s', (name, build) => {
  it('translates an import with its query\'s options, and ?url gives the URL of the plugin-wide translation', async () => {
    const out = join(app.dir, `dist-${name.replace(' ', '')}`);
    await build(app, 'query.js', out);
    const got = runBundle(join(out, 'main.js')) as ReturnType<typeof runBundle> & { url: unknown };
    expect({ stdout: got.stdout, stderr: got.stderr, status: got.exitCode }).toEqual(expected);
    // two translations: the query's (protect 'bounds') and the plugin's (tests: the default, protect 'null')
    const wasm = listFiles(out).filter((f) => f.endsWith('.wasm')).map((f) => join(out, f));
    expect(wasm.map(protectOf).sort()).toEqual(['bounds', 'null']);
    expect(typeof got.url).toBe('string');
    const file = fileURLToPath(got.url as string);
    expect(wasm).toContain(file);
    expect(protectOf(file)).toBe('null');
  });

  it('fails the build on an unknown query key, naming it', async () => {
    const err = await build(app, 'bad-query.js', join(app.dir, 'dist-bad')).then(() => undefined, (e: unknown) => e);
    expect(String((err as Error)?.message)).toMatch(/hello\.elf\?optimise=1: unknown query parameter "optimise" \(known: optimize, protect, url\)/);
  });
});
