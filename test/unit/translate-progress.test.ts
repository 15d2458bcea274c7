// Progress reports (translate-progress.ts) as the CLI's bar and the plugin's lines show them: per
// phase a fixed total, `done` rising to it and never past it, the phases in pipeline order — in one
// thread and added up over the threads of a translation in shards.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translate, type TranslateProgress } from '../../src/translate.ts';
import { translateInThread } from '../../src/node/translate-thread.ts';
import { FIXTURES } from '../helpers/run-fixture.ts';

const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'bin', 'hello-musl')));

/** the reports' phases in order of appearance; fails on a report that breaks the rules above */
function check(reports: TranslateProgress[], functions: number): string[] {
  const phases: string[] = [], last = new Map<string, TranslateProgress>();
  for (const p of reports) {
    const before = last.get(p.phase);
    if (!before) phases.push(p.phase);
    else {
      expect(phases.at(-1), `${p.phase} reported again after ${phases.at(-1)}`).toBe(p.phase);
      expect(p.total, `${p.phase}: total changed`).toBe(before.total);
      expect(p.done, `${p.phase}: done went back`).toBeGreaterThanOrEqual(before.done);
    }
    expect(p.done, `${p.phase} ${p.done}/${p.total}`).toBeLessThanOrEqual(p.total);
    last.set(p.phase, p);
  }
  for (const phase of ['lift', 'compile']) expect(last.get(phase), phase).toEqual({ phase, done: functions, total: functions });
  return phases;
}

describe('translation progress', () => {
  it('in one thread: every function reported once per phase, totals fixed', () => {
    const reports: TranslateProgress[] = [];
    const t = translate(bytes, { optimize: 0 }, { onProgress: (p) => reports.push({ ...p }) });
    const functions = t.meta.stats.functions;
    expect(functions).toBeGreaterThan(50); // hello-musl: 91
    expect(check(reports, functions)).toEqual(['lift', 'compile', 'emit']);
    expect(reports.filter((p) => p.phase === 'compile')).toHaveLength(functions);
  });

  it('over two threads: the threads\' counts added up, within the same rules', async () => {
    const reports: TranslateProgress[] = [];
    const t = await translateInThread(bytes, { optimize: 0 }, { threads: 2, progressMs: 0, onProgress: (p) => reports.push({ ...p }) });
    const lifts = reports.filter((p) => p.phase === 'lift');
    expect(lifts.length).toBeGreaterThan(1);
    // both threads' totals from the first report of each on: the sum is fixed once both have reported
    const both = lifts.findIndex((p) => p.total === t.meta.stats.functions);
    expect(both).toBeGreaterThanOrEqual(0);
    const compiles = reports.filter((p) => p.phase === 'compile');
    expect(compiles.at(-1)).toEqual({ phase: 'compile', done: t.meta.stats.functions, total: t.meta.stats.functions });
    for (const p of reports) expect(p.done, `${p.phase} ${p.done}/${p.total}`).toBeLessThanOrEqual(p.total);
  });
});
