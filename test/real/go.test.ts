// Go's static, stripped tools (Debian's golang-1.19-go): gofmt and test2json translated with
// protect 'full', as elf2wasm run and the bundler plugin translate a Go program (its runtime
// installs a SIGSEGV handler at start-up), and run without run-time lifting: Go's function table
// (src/elf/go-pclntab.ts) must have led discovery to every function they run.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TranslationMeta } from '../../src/meta.ts';
import { META_SECTION, readJsonSection } from '../../src/wasm/custom-section.ts';
import { makeApp, removeApp, runBundle } from '../bundler/app.ts';
import { builders } from '../bundler/builders.ts';
import { realBinary, realSuite } from '../helpers/real.ts';
import { gofmtCases, test2jsonCases } from './cases/go.ts';

const BIN = resolve(import.meta.dirname, '../../bin/elf2wasm.js');

realSuite('gofmt (Debian golang-1.19-go, static Go)', 'gofmt', gofmtCases, { protect: 'full', runtimeLift: false });
realSuite('test2json (Debian golang-1.19-go, static Go)', 'go-test2json', test2jsonCases, { protect: 'full', runtimeLift: false });

describe('elf2wasm run: a Go program', () => {
  it('is translated with protect \'full\' from its first run, with --no-cache too (no lifting after its runtime installs a SIGSEGV handler), as qemu runs it', () => {
    const gofmt = realBinary('gofmt');
    const work = mkdtempSync(join(tmpdir(), 'elf2wasm-go-'));
    const input = gofmtCases[0]!.files!['main.go'] as string;
    const q = spawnSync('qemu-aarch64', [gofmt], { input, encoding: 'utf8' });
    const r = spawnSync(process.execPath, [BIN, 'run', '--trace', '--no-cache', gofmt], { input, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ELF2WASM_CACHE_DIR: join(work, 'cache') } });
    rmSync(work, { recursive: true, force: true });
    expect({ stdout: r.stdout, status: r.status }).toEqual({ stdout: q.stdout, status: q.status });
    expect(r.stderr).toContain('is a Go program, whose runtime installs a SIGSEGV/SIGBUS handler at start-up: translated with protect \'full\'');
    expect(r.stderr).toContain('run-time lifting: 0 lifts');
  }, 300_000);
});

describe('the bundler plugin: a Go program', () => {
  it('is translated with protect \'full\' unless the options choose one, and runs as under qemu', async () => {
    const gofmt = realBinary('gofmt');
    const input = gofmtCases[0]!.files!['main.go'] as string;
    const q = spawnSync('qemu-aarch64', [gofmt], { input, encoding: 'utf8' });
    const app = makeApp();
    try {
      copyFileSync(gofmt, join(app.dir, 'gofmt.elf'));
      writeFileSync(join(app.dir, 'go.js'), [
        "import prog from './gofmt.elf';",
        `prog.run({ args: [], stdin: ${JSON.stringify(input)} }).then((r) => console.log(JSON.stringify({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr })));`,
        '',
      ].join('\n'));
      const out = join(app.dir, 'dist-go');
      await builders.rollup!(app, 'go.js', out);
      const got = runBundle(join(out, 'main.js'));
      expect({ stdout: got.stdout, status: got.exitCode }).toEqual({ stdout: q.stdout, status: q.status });
      const wasm = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.wasm'));
      expect(wasm.map((f) => readJsonSection<TranslationMeta>(new WebAssembly.Module(readFileSync(join(out, f))), META_SECTION)?.protect)).toEqual(['full']);
    } finally {
      removeApp(app);
    }
  }, 300_000);
});
