// Memory protection (TranslateOptions.protect): programs that fault on a null pointer, a write
// to .rodata or .text, an mprotect'ed or munmap'ed page, a stack overflow, a NULL call, a 4 GiB
// alias, a misaligned jump and an munmap'ed page in a forked child, with and without a SIGSEGV
// handler that recovers (siglongjmp) or fixes the mapping and retries. Built for glibc and musl from test/fixtures/faults/faults.c
// and recorded under qemu-aarch64 when the test runs: stdout and exit status must be identical.
// Instruction traps (UDF, HLT, BRK, an MRS EL0 may not do) raise SIGILL/SIGTRAP, with and without
// a handler that siglongjmps or moves the PC on and returns: test/fixtures/faults/traps.c.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProtectMode } from '../src/translate-options.ts';
import { PAGE_TABLE_WRITE } from '../src/abi.ts';
import { LOW_AREA_END, LOW_PAGE_TABLE, MIN_GUEST_ADDR, WASM_PAGE } from '../src/runtime/layout.ts';
import { loadElf, runFixture, type Loaded } from './helpers/run-fixture.ts';

const SOURCE = resolve(import.meta.dirname, 'fixtures/faults/faults.c');
const TRAPS = resolve(import.meta.dirname, 'fixtures/faults/traps.c');
const LIBCS = { glibc: 'aarch64-linux-gnu-gcc', musl: 'aarch64-linux-musl-gcc' } as const;

function missingTool(): string | undefined {
  for (const tool of ['qemu-aarch64', ...Object.values(LIBCS)]) {
    try { execFileSync(tool, ['--version'], { stdio: 'ignore' }); } catch { return `${tool} is not installed`; }
  }
  return undefined;
}

/** what each mode must catch: the faults its checks (or the dispatcher, in every mode) see; and
 *  accesses next to protected pages that must not fault (read-beside-write, unprotect-rodata and
 *  -in-handler) */
const FAULTS: Record<ProtectMode, string[]> = {
  full: ['null-read', 'null-probe', 'null-write', 'rodata-write', 'text-write', 'mprotect-write', 'munmap-read', 'group-above', 'group-below', 'load-then-store', 'indexed-load-then-store', 'pair-store', 'pair-load', 'read-beside-write', 'unprotect-rodata', 'unprotect-in-handler', 'stack-overflow', 'stack-overflow-heap', 'null-call', 'alias-4g', 'misaligned-jump', 'fork'],
  bounds: ['null-read', 'null-probe', 'null-write', 'null-call', 'alias-4g', 'misaligned-jump'],
  // the engine's bounds check (not precise) and the stack pointer's check against the stack guard
  // and stores below the end of the executable's read-only segments (layout.ts storeEnd)
  null: ['null-read', 'null-probe', 'null-write', 'rodata-write', 'text-write', 'read-beside-write', 'unprotect-rodata', 'unprotect-in-handler', 'stack-overflow', 'stack-overflow-heap', 'null-call', 'misaligned-jump'],
  // the engine's bounds check on the address ORed with the page table's byte
  pages: ['null-read', 'null-probe', 'null-write', 'rodata-write', 'text-write', 'mprotect-write', 'munmap-read', 'group-above', 'group-below', 'load-then-store', 'indexed-load-then-store', 'pair-store', 'pair-load', 'read-beside-write', 'unprotect-rodata', 'unprotect-in-handler', 'stack-overflow', 'stack-overflow-heap', 'null-call', 'misaligned-jump', 'fork'],
  none: ['null-call', 'misaligned-jump'],
};
/** what a mode catches only once the program installs a handler: 'null' then runs code lifted
 *  with 'full' checks (RuntimeCode.checkFaults) */
const WITH_HANDLER: Partial<Record<ProtectMode, string[]>> = {
  null: ['mprotect-write', 'munmap-read', 'group-above', 'group-below', 'load-then-store', 'indexed-load-then-store', 'pair-store', 'pair-load', 'alias-4g', 'madvise', 'fork'],
  pages: ['alias-4g', 'madvise'],
};
const runs = (fault: string): string[][] => [[fault], ...handled(fault)];
const handled = (fault: string): string[][] => [[fault, 'catch'], ...(fault === 'mprotect-write' ? [[fault, 'retry']] : [])];

const missing = missingTool();
// Outside CI a missing toolchain skips (the title says why); under CI it must run and fails.
describe.skipIf(!!missing && !process.env.CI)(`memory faults against qemu-aarch64${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let dir: string;
  const elf: Record<string, string> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'elf2wasm-faults-'));
    for (const [libc, gcc] of Object.entries(LIBCS)) {
      elf[libc] = join(dir, `faults-${libc}`);
      execFileSync(gcc, ['-O1', '-static', '-o', elf[libc]!, SOURCE]);
      elf[`traps-${libc}`] = join(dir, `traps-${libc}`);
      execFileSync(gcc, ['-O1', '-static', '-o', elf[`traps-${libc}`]!, TRAPS]);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const qemu = (libc: string, args: string[]) => {
    const r = spawnSync('qemu-aarch64', [elf[libc]!, ...args], { encoding: 'utf8', timeout: 60_000 });
    // qemu ends itself with the guest's fatal signal: a shell would report 128 + N
    return { stdout: r.stdout, status: r.status ?? 128 + (r.signal ? constants.signals[r.signal] : 0) };
  };

  for (const libc of Object.keys(LIBCS)) {
    for (const mode of Object.keys(FAULTS) as ProtectMode[]) {
      describe(`${libc}, protect '${mode}'`, () => {
        let bin: Loaded;
        beforeAll(async () => { bin = await loadElf(readFileSync(elf[libc]!), elf[libc]!, { inChild: true, optimize: 0, protect: mode }); }, 600_000);
        if (mode === 'null' || mode === 'pages' || mode === 'full') {
          // below the image lie the runtime's state and scratch (64 KiB), its dispatch table and
          // under 'pages' and 'full' the page table (up to LOW_AREA_END): out of the guest's reach,
          // with or without a handler (under 'null' and 'pages' a handler makes the process run
          // checked code, so the handler gets the fault as on Linux). A store there is SIGSEGV
          // (SEGV_MAPERR), as on Linux where nothing is mapped there.
          it('stores to the CPU state, scratch area, dispatch table (and page table) fault, with and without a handler', { timeout: 120_000 }, async () => {
            expect(bin.meta.lowEnd).toBe(LOW_AREA_END);
            expect(bin.meta.pageTable).toBe(mode === 'null' ? 0 : LOW_PAGE_TABLE);
            // nothing of the runtime's follows the image: the dispatch table went below it
            expect(bin.meta.privateEnd).toBe(Math.ceil(bin.meta.imageEnd / WASM_PAGE) * WASM_PAGE);
            const table = mode === 'null' ? [] : [LOW_PAGE_TABLE, LOW_PAGE_TABLE + PAGE_TABLE_WRITE + 5];
            for (const at of [0x1000, 0x1100, 0x8000, 0xfff8, MIN_GUEST_ADDR, MIN_GUEST_ADDR + 16, ...table, LOW_AREA_END - 16]) {
              // an empty mode installs no handler
              for (const how of ['catch', '']) {
                const args = ['poke', how, at.toString(16)];
                const got = await runFixture(bin, args);
                expect({ args, stdout: got.stdout, status: got.status }).toEqual({ args, ...qemu(libc, args) });
              }
            }
          });
        }
        const cases = [...FAULTS[mode].flatMap(runs), ...(WITH_HANDLER[mode] ?? []).flatMap(handled)];
        for (const args of cases) {
          it(args.join(' '), { timeout: 120_000 }, async () => {
            const want = qemu(libc, args);
            if (args[1] !== 'retry') expect(want.status, 'qemu itself faults, recovers, or ends with the case\'s own status').not.toBe(0);
            const got = await runFixture(bin, args);
            expect({ stdout: got.stdout, status: got.status }).toEqual(want);
          });
        }
      });
    }
  }

  // SIGILL/SIGTRAP reach a handler with the registers of the trapping instruction, under the
  // default translation and under checked, optimised code
  const TRAP_SETUPS = [['glibc', 0, 'null'], ['musl', 0, 'null'], ['glibc', 2, 'full']] as const;
  for (const [libc, optimize, protect] of TRAP_SETUPS) {
    describe(`instruction traps, ${libc}, -O${optimize}, protect '${protect}'`, () => {
      let bin: Loaded;
      beforeAll(async () => { bin = await loadElf(readFileSync(elf[`traps-${libc}`]!), elf[`traps-${libc}`]!, { inChild: true, optimize, protect }); }, 600_000);
      for (const what of ['udf', 'hlt', 'brk', 'trap', 'sysreg']) {
        it(what, { timeout: 120_000 }, async () => {
          // 'many' (50 000 traps left by siglongjmp) once: it takes seconds
          for (const how of ['', 'catch', 'skip', 'nested', ...(what === 'udf' ? ['many'] : [])]) {
            const args = [what, how];
            const want = qemu(`traps-${libc}`, args);
            expect(want.status, 'qemu dies of the signal, recovers, or goes on').toBe(how === 'skip' ? 0 : how ? 3 : what === 'brk' || what === 'trap' ? 133 : 132);
            const got = await runFixture(bin, args);
            expect({ args, stdout: got.stdout, status: got.status }).toEqual({ args, ...want });
          }
        });
      }
    });
  }

  // an image below LOW_AREA_END leaves the low area at 64 KiB: the page table then follows the
  // image (and the dispatch table), where it keeps itself out of the guest's reach
  for (const mode of ['pages', 'full'] as const) describe(`glibc linked at 1 MiB, protect '${mode}'`, () => {
    let bin: Loaded;
    beforeAll(async () => {
      elf.low = join(dir, 'faults-low');
      execFileSync(LIBCS.glibc, ['-O1', '-static', '-Wl,-Ttext-segment=0x100000', '-o', elf.low, SOURCE]);
      bin = await loadElf(readFileSync(elf.low), elf.low, { inChild: true, optimize: 0, protect: mode });
    }, 600_000);
    it('faults as qemu-aarch64 does; stores to the runtime\'s data after the image (dispatch and page tables) fault', { timeout: 120_000 }, async () => {
      expect(bin.meta.lowEnd).toBe(MIN_GUEST_ADDR);
      const pt = bin.meta.pageTable;
      expect(pt).toBeGreaterThan(bin.meta.imageEnd);
      const tableBase = Math.ceil(bin.meta.imageEnd / 4096) * 4096;
      for (const args of [['rodata-write'], ['munmap-read'], ['mprotect-write'], ['stack-overflow'], ['munmap-read', 'catch']]) {
        const got = await runFixture(bin, args);
        expect({ args, stdout: got.stdout, status: got.status }).toEqual({ args, ...qemu('low', args) });
      }
      // where qemu-aarch64 has the heap (nothing of its own lies there)
      for (const at of [0x1000, 0xfff8, tableBase, pt, pt + PAGE_TABLE_WRITE + 5]) {
        for (const [how, stdout, status] of [['', 'poke\n', 139], ['catch', 'poke\nsignal 11 code 1 at the address\nrecovered from poke\n', 3]] as const) {
          const got = await runFixture(bin, ['poke', how, at.toString(16)]);
          expect({ at: at.toString(16), how, stdout: got.stdout, status: got.status }).toEqual({ at: at.toString(16), how, stdout, status });
        }
      }
    });
  });
});
