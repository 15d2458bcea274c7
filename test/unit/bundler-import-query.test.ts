// The query of an .elf import: per-import translate options and ?url (src/bundler/import-query.ts).
import { describe, expect, it } from 'vitest';
import { parseImportQuery, resolveQueried } from '../../src/bundler/import-query.ts';

describe('parseImportQuery', () => {
  it('splits the path from the options', () => {
    expect(parseImportQuery('/app/tool.elf')).toEqual({ path: '/app/tool.elf', url: false });
    expect(parseImportQuery('/app/tool.elf?optimize=0&protect=full')).toEqual({ path: '/app/tool.elf', url: false, optimize: 0, protect: 'full' });
    expect(parseImportQuery('/app/tool.elf?url')).toEqual({ path: '/app/tool.elf', url: true });
    expect(parseImportQuery('/app/tool.elf?url&optimize=3#x')).toEqual({ path: '/app/tool.elf', url: true, optimize: 3 });
  });

  it('names an unknown key', () => {
    expect(() => parseImportQuery('/app/tool.elf?url&raw')).toThrow('unknown query parameter "raw" (known: optimize, protect, url)');
  });

  it('refuses values the options cannot take', () => {
    expect(() => parseImportQuery('/app/tool.elf?optimize=5')).toThrow('query parameter optimize must be 0..4, not 5');
    expect(() => parseImportQuery('/app/tool.elf?optimize')).toThrow('query parameter optimize must be 0..4, not ""');
    expect(() => parseImportQuery('/app/tool.elf?optimize=1.5')).toThrow('query parameter optimize must be 0..4, not "1.5"');
    expect(() => parseImportQuery('/app/tool.elf?protect=some')).toThrow('query parameter protect must be one of none, null, pages, bounds, full, not some');
    expect(() => parseImportQuery('/app/tool.elf?url=yes')).toThrow('the query parameter url takes no value (?url), not "yes"');
  });
});

describe('resolveQueried', () => {
  it('resolves relative and absolute specifiers with a query that the include pattern takes', () => {
    expect(resolveQueried('./bin/tool.elf?url', '/app/src/main.js', /\.elf$/, undefined)).toBe('/app/src/bin/tool.elf?url');
    expect(resolveQueried('../tool.elf?optimize=0', '/app/src/main.js', [/\.elf$/], undefined)).toBe('/app/tool.elf?optimize=0');
    expect(resolveQueried('/opt/tool.elf?url', undefined, /\.elf$/, undefined)).toBe('/opt/tool.elf?url');
  });

  it('leaves other specifiers to the bundler', () => {
    expect(resolveQueried('./tool.elf', '/app/main.js', /\.elf$/, undefined)).toBeUndefined();
    expect(resolveQueried('./style.css?inline', '/app/main.js', /\.elf$/, undefined)).toBeUndefined();
    expect(resolveQueried('./tool.elf?url', '/app/main.js', /\.elf$/, /tool/)).toBeUndefined();
    expect(resolveQueried('pkg/tool.elf?url', '/app/main.js', /\.elf$/, undefined)).toBeUndefined();
    expect(resolveQueried('./tool.elf?url', '/app/main.js', '**/*.elf', undefined)).toBeUndefined();
  });
});
