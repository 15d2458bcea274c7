// Every fixture program, in every build, must behave exactly as under qemu-aarch64: same stdout,
// stderr and exit status (expectations recorded by `npm run fixtures`). Each case runs with
// run-time lifting disabled first (static discovery alone; counted, not failed) and with it on
// (must pass): see test/helpers/program-suite.ts. The stripped builds are in
// programs-stripped.test.ts and the C++ builds in cxx.test.ts (separate files run in parallel).
import { describe, expect, it } from 'vitest';
import { expectedOf, loadBinary, runFixture } from './helpers/run-fixture.ts';
import { fixtureSuite, progsCases } from './helpers/program-suite.ts';

const cases = progsCases();
for (const build of ['progs-glibc-O0', 'progs-glibc-O2', 'progs-musl-O2']) fixtureSuite(build, cases);

describe('hello world', () => {
  for (const build of ['hello-glibc', 'hello-musl']) {
    it(`${build} with and without arguments`, async () => {
      const bin = await loadBinary(build);
      expect(await runFixture(bin, [])).toEqual(expectedOf(build, 'noargs'));
      expect(await runFixture(bin, ['one', 'two three'])).toEqual(expectedOf(build, 'args'));
    });
  }
});
