// The translator and the program API run in browsers: nothing they import, transitively, may be
// a Node built-in. (src/node, src/cli and src/bundler are the Node-only edges.)
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
    graph.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) visit(resolve(dirname(file), s));
  };
  visit(entry);
  return graph;
}

describe('isomorphic core', () => {
  for (const entry of ['translate.ts', 'program/index.ts', 'program/worker.ts', 'runtime/index.ts']) {
    it(`${entry} imports no node: module`, () => {
      const graph = importGraph(resolve(SRC, entry));
      const offenders = [...graph].flatMap(([f, specs]) => specs.filter((s) => s.startsWith('node:')).map((s) => `${f.slice(SRC.length + 1)} → ${s}`));
      expect(graph.size).toBeGreaterThan(entry === 'translate.ts' ? 15 : 3);
      expect(offenders).toEqual([]);
    });
  }
});
