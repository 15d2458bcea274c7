// The plugin's asset helpers: content-hashed names and the `files` option's expansion.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asset, expandFiles, relativeUrl } from '../../src/bundler/assets.ts';
import { resolveOptions } from '../../src/bundler/options.ts';

const root = mkdtempSync(join(tmpdir(), 'unplugin-elf-assets-'));
mkdirSync(join(root, 'data/sub'), { recursive: true });
writeFileSync(join(root, 'data/b.txt'), 'b');
writeFileSync(join(root, 'data/a.txt'), 'a');
writeFileSync(join(root, 'data/sub/c'), 'c');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('asset', () => {
  it('puts the content hash before the extension', () => {
    expect(asset('hello.wasm', new Uint8Array([1])).file).toMatch(/^hello-[0-9a-f]{8}\.wasm$/);
    expect(asset('README', new Uint8Array([1])).file).toMatch(/^README-[0-9a-f]{8}$/);
    expect(asset('.env', new Uint8Array([1])).file).toMatch(/^\.env-[0-9a-f]{8}$/);
    expect(asset('x.bin', new Uint8Array([1])).file).not.toBe(asset('x.bin', new Uint8Array([2])).file);
  });

  it('relativeUrl is a ./ or ../ URL with forward slashes', () => {
    expect(relativeUrl('/app/src/main.js', '/app/src/x.wasm')).toBe('./x.wasm');
    expect(relativeUrl('/app/src/main.js', '/app/cache/x.wasm')).toBe('../cache/x.wasm');
  });
});

describe('expandFiles', () => {
  it('maps a file to its guest path, or under a guest directory by its own name', () => {
    expect(expandFiles('/etc/a', 'data/a.txt', root)).toEqual([['/etc/a', join(root, 'data/a.txt')]]);
    expect(expandFiles('/etc/', 'data/a.txt', root)).toEqual([['/etc/a.txt', join(root, 'data/a.txt')]]);
  });

  it('maps a directory recursively, in sorted order', () => {
    expect(expandFiles('/d/', 'data', root)).toEqual([
      ['/d/a.txt', join(root, 'data/a.txt')], ['/d/b.txt', join(root, 'data/b.txt')], ['/d/sub/c', join(root, 'data/sub/c')],
    ]);
  });

  it('says what is wrong', () => {
    expect(() => expandFiles('etc/a', 'data/a.txt', root)).toThrow('the guest path must be absolute');
    expect(() => expandFiles('/d', 'data', root)).toThrow('data is a directory: its guest path must end in "/"');
    expect(() => expandFiles('/x', 'missing', root)).toThrow(/ENOENT/);
  });

  it('options: files may be a map or a function, anything else is refused', () => {
    expect(resolveOptions({ files: { '/a': 'b' } }).files('/x.elf')).toEqual({ '/a': 'b' });
    expect(resolveOptions({ files: (elf) => (elf.endsWith('y.elf') ? { '/y': 'y' } : undefined) }).files('/x.elf')).toBeUndefined();
    expect(() => resolveOptions({ files: 'data' as never })).toThrow(/files must be an object/);
  });

  it('options: programs may be a map or a function, anything else is refused', () => {
    expect(resolveOptions({ programs: { '/bin/sh': 'busybox.elf' } }).programs('/x.elf')).toEqual({ '/bin/sh': 'busybox.elf' });
    expect(resolveOptions({}).programs('/x.elf')).toBeUndefined();
    expect(() => resolveOptions({ programs: 'busybox.elf' as never })).toThrow(/programs must be an object/);
  });

  it('options: relaxedSimd is off unless asked for (Safari cannot compile relaxed SIMD), and a boolean', () => {
    expect(resolveOptions({}).relaxedSimd).toBe(false);
    expect(resolveOptions({ relaxedSimd: true }).relaxedSimd).toBe(true);
    expect(() => resolveOptions({ relaxedSimd: 'yes' as never })).toThrow(/unplugin-elf: relaxedSimd must be true or false/);
  });

  it('options: loops re-enter unless told not to (browsers start every function in their baseline tier), and a boolean', () => {
    expect(resolveOptions({}).loopReentry).toBe(true);
    expect(resolveOptions({ loopReentry: false }).loopReentry).toBe(false);
    expect(() => resolveOptions({ loopReentry: 1 as never })).toThrow(/unplugin-elf: loopReentry must be true or false/);
  });
});
