// Every fixture program, in every build, must behave exactly as under qemu-aarch64:
// same stdout, stderr and exit status (expectations recorded by `npm run fixtures`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedOf, FIXTURES, loadBinary, runFixture, type Loaded } from './helpers/run-fixture.ts';

interface Case { name: string; prog: string; args?: string[]; stdin?: string; env?: Record<string, string>; tmpdir?: boolean; files?: Record<string, string> }
const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];

for (const build of ['progs-glibc-O0', 'progs-glibc-O2', 'progs-musl-O2']) {
  describe(build, () => {
    let bin: Loaded;
    beforeAll(async () => { bin = await loadBinary(build); });
    for (const c of cases) {
      it(c.name, async () => {
        const got = await runFixture(bin, [c.prog, ...(c.args ?? [])], { env: c.env, stdin: c.stdin, tmpdir: c.tmpdir, files: c.files });
        expect(got).toEqual(expectedOf(build, c.name));
      });
    }
  });
}

describe('hello world', () => {
  for (const build of ['hello-glibc', 'hello-musl']) {
    it(`${build} with and without arguments`, async () => {
      const bin = await loadBinary(build);
      expect(await runFixture(bin, [])).toEqual(expectedOf(build, 'noargs'));
      expect(await runFixture(bin, ['one', 'two three'])).toEqual(expectedOf(build, 'args'));
    });
  }
});
