// The V8 flags the CLI's translations set (node/jit-flags.ts): only in a process that owns them,
// once for overlapping translations, back as soon as the last one ends, whatever order they end
// in and however often an end is reported; never against flags node was started with. A
// translation thread's young generation: set while its isolate is created, in any process.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const set = vi.fn<(flags: string) => void>();
vi.mock('node:v8', () => ({ setFlagsFromString: set }));

async function fresh() {
  vi.resetModules();
  return import('../../src/node/jit-flags.ts');
}

describe('translation JIT flags', () => {
  beforeEach(() => set.mockClear());

  it('leaves a host process (a bundler) alone', async () => {
    const { translationRuns } = await fresh();
    translationRuns()();
    expect(set).not.toHaveBeenCalled();
  });

  it('leaves inlining as node was told on its command line', async () => {
    const { ownJitFlags, translationRuns } = await fresh();
    process.execArgv.push('--no-turbo-inlining');
    try {
      ownJitFlags();
    } finally {
      process.execArgv.pop();
    }
    translationRuns()();
    expect(set).not.toHaveBeenCalled();
  });

  it('sets them for overlapping translations once, and restores them after the last', async () => {
    const { ownJitFlags, translationRuns } = await fresh();
    ownJitFlags();
    const a = translationRuns(), b = translationRuns();
    expect(set.mock.calls).toEqual([['--no-turbo-inlining']]);
    a();
    a(); // an end reported twice counts once
    expect(set.mock.calls).toEqual([['--no-turbo-inlining']]);
    b();
    expect(set.mock.calls).toEqual([['--no-turbo-inlining'], ['--turbo-inlining']]);
    translationRuns()();
    expect(set.mock.calls.slice(2)).toEqual([['--no-turbo-inlining'], ['--turbo-inlining']]);
  });

  it('give translation threads their young generation until each is online or gone, in any process', async () => {
    const { withTranslatorHeap } = await fresh();
    const a = withTranslatorHeap(() => new EventEmitter()), b = withTranslatorHeap(() => new EventEmitter());
    expect(set.mock.calls).toEqual([['--min-semi-space-size=8']]);
    a.emit('online');
    a.emit('exit'); // after online: counts once
    expect(set.mock.calls).toHaveLength(1);
    b.emit('exit'); // a worker that never came online
    expect(set.mock.calls).toEqual([['--min-semi-space-size=8'], ['--min-semi-space-size=0']]);
    expect(() => withTranslatorHeap(() => { throw new Error('no thread'); })).toThrow('no thread');
    expect(set.mock.calls.slice(2)).toEqual([['--min-semi-space-size=8'], ['--min-semi-space-size=0']]);
    process.execArgv.push('--min-semi-space-size=4'); // node was told a size: it stays
    try {
      withTranslatorHeap(() => new EventEmitter()).emit('online');
    } finally {
      process.execArgv.pop();
    }
    expect(set.mock.calls).toHaveLength(4);
  });
});
