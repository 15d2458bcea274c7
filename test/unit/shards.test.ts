// A translation in shards on worker threads (translate-shards.ts, as the CLI and the plugin
// translate) is the same module whatever the number of threads, and the shards join into a module that
// runs like the one-piece translation. The fixture suite (programs.test.ts) runs every fixture
// through the shards on real worker threads; this checks what only comparing translations can.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translateInThread } from '../../src/node/translate-thread.ts';
import { FIXTURES, loadElf, runFixture } from '../helpers/run-fixture.ts';

describe('translation in shards', () => {
  for (const name of ['hello-glibc', 'progs-musl-O2']) {
    it(`${name}: byte-identical for 1, 2 and 3 threads, and the joined module runs`, async () => {
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'bin', name)));
      const one = await translateInThread(bytes, { optimize: 0 }, { threads: 1 });
      for (const threads of [2, 3]) {
        const many = await translateInThread(bytes, { optimize: 0 }, { threads });
        expect(Buffer.compare(Buffer.from(many.wasm), Buffer.from(one.wasm)), `${threads} threads`).toBe(0);
      }
      // more than one shard, or the join was not exercised
      expect(one.meta.stats.instructions).toBeGreaterThan(24_000);
      const module = await WebAssembly.compile(one.wasm as Uint8Array<ArrayBuffer>);
      // the one-piece translation (translate.ts, on this thread)
      const path = join(FIXTURES, 'bin', name);
      const whole = await loadElf(bytes, path, { optimize: 0 });
      expect(await runFixture({ module, meta: one.meta, path }, ['a', 'b'])).toEqual(await runFixture(whole, ['a', 'b']));
    });
  }
});
