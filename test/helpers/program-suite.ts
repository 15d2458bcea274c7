// One describe block per fixture build: every case must behave exactly as under qemu-aarch64
// (stdout, stderr, exit status; expectations recorded by `npm run fixtures`), with run-time
// lifting on (the default) — and, first, with run-time lifting disabled, which measures what
// static discovery alone achieves.
//
// Discovery-only runs (runtimeLift: false) do not fail a case: a case that needs code the build
// missed ends with SIGSEGV there. Each build's last test counts the cases that passed that way,
// logs the others (with why they failed), and asserts the count is at least the floor committed
// in test/fixtures/discovery-floor.json (raise the floor when discovery improves; set
// ELF2WASM_DISCOVERY_REPORT=1 to print the counts of every build even when they pass).
//
// A case whose discovery-only run matched qemu met no untranslated code, so run-time lifting had
// nothing to do: the lift-on run would execute the same translated code. Such a case is not run a
// second time (it is the CI time of this suite); every other case is run again with lifting on and
// must match. ELF2WASM_TEST_BOTH_MODES=1 runs every case in both modes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedOf, FIXTURES, loadBinary, runFixture, type Expected, type Loaded, type RunOptions } from './run-fixture.ts';

export interface FixtureCase { name: string; prog?: string; args?: string[]; stdin?: string; env?: Record<string, string>; tmpdir?: boolean; files?: Record<string, string> }

/** The multi-call progs cases (argv: prog, args...). */
export const progsCases = (): FixtureCase[] => JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as FixtureCase[];
/** The C++ cases (argv: args...). */
export const cxxCases = (): FixtureCase[] => JSON.parse(readFileSync(join(FIXTURES, 'cxx-cases.json'), 'utf8')) as FixtureCase[];

const floors = JSON.parse(readFileSync(join(FIXTURES, 'discovery-floor.json'), 'utf8')) as Record<string, number>;
const BOTH_MODES = process.env.ELF2WASM_TEST_BOTH_MODES === '1';
const REPORT = process.env.ELF2WASM_DISCOVERY_REPORT === '1';

/** Why a run differs from its expectation, in one line. */
function why(got: Expected, want: Expected): string {
  const parts: string[] = [];
  if (got.status !== want.status) parts.push(`status ${got.status} (want ${want.status})`);
  if (got.stdout !== want.stdout) parts.push('stdout differs');
  if (got.stderr !== want.stderr) {
    const line = got.stderr.trim().split('\n').find((l) => /elf2wasm|untranslated|unimplemented|error/i.test(l)) ?? got.stderr.trim().split('\n').pop();
    parts.push(`stderr: ${line?.slice(0, 200) ?? ''}`);
  }
  return parts.join('; ');
}

/** `optimize`: binaryen's level for this build (default: translate's); stripped builds test what
 *  discovery and run-time lifting find, which the level does not change, so CI translates them at 0 */
export function fixtureSuite(build: string, cases: FixtureCase[], { stripped = false, optimize }: { stripped?: boolean; optimize?: number } = {}): void {
  const label = stripped ? `${build}-stripped` : build;
  describe(label, () => {
    let bin: Loaded;
    beforeAll(async () => { bin = await loadBinary(build, { stripped, optimize }); }, 600_000);
    const discovery = new Map<string, string | null>(); // case -> null (passed) or why not
    for (const c of cases) {
      it(c.name, async () => {
        const argv = c.prog === undefined ? (c.args ?? []) : [c.prog, ...(c.args ?? [])];
        const opts: RunOptions = { env: c.env, stdin: c.stdin, tmpdir: c.tmpdir, files: c.files };
        const want = expectedOf(build, c.name);
        const off = await runFixture(bin, argv, { ...opts, runtimeLift: false });
        const offOk = isDeepStrictEqual(off, want);
        discovery.set(c.name, offOk ? null : why(off, want));
        if (offOk && !BOTH_MODES) return;
        const on = await runFixture(bin, argv, opts);
        expect(on).toEqual(want);
      });
    }
    it('static discovery alone (run-time lifting disabled)', () => {
      const floor = floors[label];
      expect(floor, `no discovery floor for ${label} in test/fixtures/discovery-floor.json`).toBeTypeOf('number');
      expect(discovery.size, 'every case of this build must run first (do not filter this file)').toBe(cases.length);
      const failing = [...discovery].filter(([, w]) => w !== null);
      const passed = cases.length - failing.length;
      if (failing.length || REPORT) {
        console.log(
          `${label}: ${passed}/${cases.length} cases pass with static discovery alone (floor ${floor})` +
            failing.map(([n, w]) => `\n  needs run-time lifting: ${n}: ${w}`).join(''),
        );
      }
      expect(passed, `${label}: fewer cases pass with discovery alone than the committed floor`).toBeGreaterThanOrEqual(floor!);
    });
  });
}
