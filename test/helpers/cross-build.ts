// Builds the C/C++ sources a test suite runs under qemu-aarch64 and translated, at test time, with
// Debian's cross compilers (ARCHITECTURE.md, "Toolchain"), into a directory removed after the file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** a builder for one test file: `build(compiler, source, name, flags)` returns the executable's path */
export function crossBuilder(prefix: string): (compiler: string, source: string, name: string, flags: string[]) => string {
  let dir: string | undefined;
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });
  return (compiler, source, name, flags) => {
    dir ??= mkdtempSync(join(tmpdir(), `elf2wasm-${prefix}-`));
    const out = join(dir, name);
    try {
      execFileSync(compiler, [...flags, '-o', out, source], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      throw new Error(`building ${source} with ${compiler} failed (the cross toolchain: see ARCHITECTURE.md, "Toolchain"): ${e instanceof Error ? e.message : String(e)}`);
    }
    return out;
  };
}
