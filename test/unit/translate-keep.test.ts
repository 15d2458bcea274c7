// Translation threads kept for the next translation (ThreadOptions.keep, which the bundler plugin
// sets): a kept thread's translations are byte-identical to a new thread's, programs and
// libraries alike; a thread whose translation failed is not kept, and the next translation
// works; an optimising translation neither uses nor leaves one (binaryen's settings are global).
// A thread started ahead (prestartThread: the plugin's build start, the CLI's translate command)
// waits as a kept one and serves the first translation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ElfFormatError } from '../../src/elf/errors.ts';
import { keptThreads, prestartThread, stopKeptThreads, translateInThread, translateLibraryInThread } from '../../src/node/translate-thread.ts';
import { FIXTURES } from '../helpers/run-fixture.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, 'bin', name)));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
// a small shared library of the cross toolchain's sysroot, which the dynamic tests use too
const LIB = '/usr/aarch64-linux-gnu/lib/libdl.so.2';

describe('kept translation threads', () => {
  beforeEach(stopKeptThreads);

  it('translate programs and libraries as new threads do, and are reused', async () => {
    const musl = fixture('hello-musl'), glibc = fixture('progs-glibc-O2');
    const library = { path: '/lib/aarch64-linux-gnu/libdl.so.2', bytes: new Uint8Array(readFileSync(LIB)) };
    const fresh = [(await translateInThread(musl, {}, { threads: 1 })).wasm, (await translateLibraryInThread(library, {})).wasm, (await translateInThread(glibc, {}, { threads: 1 })).wasm];
    expect(keptThreads()).toBe(0);
    const first = await translateInThread(musl, {}, { threads: 1, keep: true });
    expect(keptThreads()).toBe(1);
    const lib = await translateLibraryInThread(library, {}, { keep: true });
    const second = await translateInThread(glibc, {}, { threads: 1, keep: true });
    expect(keptThreads()).toBe(1); // the same thread each time: taken, then kept again
    expect(same(first.wasm, fresh[0]!) && same(lib.wasm, fresh[1]!) && same(second.wasm, fresh[2]!)).toBe(true);
  });

  it('stop a thread whose translation failed; the next translation works', async () => {
    await translateInThread(fixture('hello-musl'), {}, { threads: 1, keep: true });
    expect(keptThreads()).toBe(1);
    const truncated = fixture('hello-musl').subarray(0, 200);
    await expect(translateInThread(truncated, {}, { threads: 1, keep: true })).rejects.toBeInstanceOf(ElfFormatError);
    expect(keptThreads()).toBe(0);
    const again = await translateInThread(fixture('hello-musl'), {}, { threads: 1, keep: true });
    expect(same(again.wasm, (await translateInThread(fixture('hello-musl'), {}, { threads: 1 })).wasm)).toBe(true);
  });

  it('do not serve or outlive an optimising translation', async () => {
    await translateInThread(fixture('hello-musl'), {}, { threads: 1, keep: true });
    expect(keptThreads()).toBe(1);
    // (taken, the kept thread would be stopped after it: 0; a new one kept: 2)
    await translateInThread(fixture('hello-musl'), { optimize: 1 }, { keep: true });
    expect(keptThreads()).toBe(1);
  });

  it('start one ahead, which the first translation takes', async () => {
    const bytes = fixture('hello-musl');
    const fresh = (await translateInThread(bytes, {}, { threads: 1 })).wasm;
    prestartThread();
    prestartThread(); // one is waiting already: no second
    expect(keptThreads()).toBe(1);
    const first = await translateInThread(bytes, {}, { threads: 1 });
    expect(keptThreads()).toBe(0); // taken, and not kept after (no `keep`)
    expect(same(first.wasm, fresh)).toBe(true);
  });

  it('keep the threads of a translation in shards, which translate the next one as new threads do', async () => {
    const bytes = fixture('progs-musl-O2');
    const fresh = (await translateInThread(bytes, {}, { threads: 2 })).wasm;
    await translateInThread(bytes, {}, { threads: 2, keep: true });
    expect(keptThreads()).toBe(2);
    const again = await translateInThread(bytes, {}, { threads: 2, keep: true });
    expect(keptThreads()).toBe(2);
    expect(same(again.wasm, fresh)).toBe(true);
  });
});
