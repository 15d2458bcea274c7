// System registers at EL0 and AT_HWCAP: the ID registers agree with HWCAP the way Linux derives
// one from the other (arm64_elf_hwcaps, written out below from the kernel's table), the other
// fields and the set of readable registers agree with qemu-aarch64 -cpu cortex-a72 (the core we
// present: recorded below, and re-read from qemu when it is installed), and a translated program
// reads a counter that advances at CNTFRQ_EL0's rate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSTANT_SYSREGS } from '../../src/arch/aarch64/sysregs.ts';
import { HWCAP, HWCAP2 } from '../../src/runtime/hwcap.ts';
import { runInsn } from '../helpers/a64-lift.ts';
import { toolchainMissing } from '../helpers/qemu-insn.ts';
import { loadElf, runFixture } from '../helpers/run-fixture.ts';

const MRS = (op0: number, op1: number, crn: number, crm: number, op2: number, rt = 0) =>
  (0xd5300000 | ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;
const name = (op0: number, op1: number, crn: number, crm: number, op2: number) => `${op0}.${op1}.${crn}.${crm}.${op2}`;

/** the registers probed: the whole ID space (CRm 0-7), the timer, cache, thread and flag registers */
const PROBED: [number, number, number, number, number][] = [];
for (let crm = 0; crm < 8; crm++) for (let op2 = 0; op2 < 8; op2++) PROBED.push([3, 0, 0, crm, op2]);
PROBED.push([3, 3, 14, 0, 0], [3, 3, 14, 0, 1], [3, 3, 14, 0, 5], [3, 3, 14, 0, 6], [3, 3, 0, 0, 1], [3, 3, 0, 0, 7], [3, 3, 13, 0, 3],
  [3, 3, 0, 0, 0], [3, 1, 0, 0, 0], [3, 1, 0, 0, 1], [3, 3, 4, 2, 1], [3, 3, 14, 2, 0], [3, 0, 4, 2, 2]);

// qemu-aarch64 7.2 -cpu cortex-a72, recorded with the probe program below; null: SIGILL
const QEMU_A72: Record<string, bigint | null> = {
  '3.0.0.0.0': 0x410fd083n, '3.0.0.0.5': 0x80000000n, '3.0.0.0.6': 0n, '3.0.0.4.0': 0x11n, '3.0.0.5.0': 0x6n,
  '3.0.0.6.0': 0x11120n, '3.0.0.7.0': 0xff000000n, '3.3.14.0.0': 62500000n, '3.3.0.0.1': 0x8444c004n, '3.3.0.0.7': 0x4n,
  '3.3.13.0.3': 0n,
};
for (const r of PROBED) {
  const k = name(...r);
  if (!(k in QEMU_A72)) QEMU_A72[k] = r[1] === 0 && r[2] === 0 && r[3] >= 4 ? 0n : null;
}

/** Linux's arm64_elf_hwcaps for the fields we have (register, lsb, signed, min value, HWCAP word, bit) */
const LINUX_HWCAPS: [string, number, boolean, number, 1 | 2, number][] = [
  ['3.0.0.4.0', 16, true, 0, 1, 0], // FP
  ['3.0.0.4.0', 16, true, 1, 1, 9], // FPHP
  ['3.0.0.4.0', 20, true, 0, 1, 1], // ASIMD
  ['3.0.0.4.0', 20, true, 1, 1, 10], // ASIMDHP
  ['3.0.0.4.0', 48, false, 1, 1, 24], // DIT
  ['3.0.0.6.0', 4, false, 1, 1, 3], // AES
  ['3.0.0.6.0', 4, false, 2, 1, 4], // PMULL
  ['3.0.0.6.0', 8, false, 1, 1, 5], // SHA1
  ['3.0.0.6.0', 12, false, 1, 1, 6], // SHA2
  ['3.0.0.6.0', 12, false, 2, 1, 21], // SHA512
  ['3.0.0.6.0', 16, false, 1, 1, 7], // CRC32
  ['3.0.0.6.0', 20, false, 2, 1, 8], // ATOMICS
  ['3.0.0.6.0', 28, false, 1, 1, 12], // ASIMDRDM
  ['3.0.0.6.0', 32, false, 1, 1, 17], // SHA3
  ['3.0.0.6.0', 36, false, 1, 1, 18], // SM3
  ['3.0.0.6.0', 40, false, 1, 1, 19], // SM4
  ['3.0.0.6.0', 44, false, 1, 1, 20], // ASIMDDP
  ['3.0.0.6.0', 48, false, 1, 1, 23], // ASIMDFHM
  ['3.0.0.6.0', 52, false, 1, 1, 27], // FLAGM
  ['3.0.0.6.0', 52, false, 2, 2, 7], // FLAGM2
  ['3.0.0.6.0', 60, false, 1, 2, 16], // RNG
  ['3.0.0.6.1', 0, false, 1, 1, 16], // DCPOP
  ['3.0.0.6.1', 0, false, 2, 2, 0], // DCPODP
  ['3.0.0.6.1', 4, false, 1, 1, 30], // PACA (APA: address authentication, QARMA5)
  ['3.0.0.6.1', 8, false, 1, 1, 30], // PACA (API: implementation defined algorithm)
  ['3.0.0.6.1', 24, false, 1, 1, 31], // PACG (GPA: generic authentication, QARMA5)
  ['3.0.0.6.1', 28, false, 1, 1, 31], // PACG (GPI)
  ['3.0.0.6.1', 12, false, 1, 1, 13], // JSCVT
  ['3.0.0.6.1', 16, false, 1, 1, 14], // FCMA
  ['3.0.0.6.1', 20, false, 1, 1, 15], // LRCPC
  ['3.0.0.6.1', 20, false, 2, 1, 26], // ILRCPC
  ['3.0.0.6.1', 32, false, 1, 2, 8], // FRINT
  ['3.0.0.6.1', 36, false, 1, 1, 29], // SB
  ['3.0.0.6.1', 44, false, 1, 2, 14], // BF16
  ['3.0.0.6.1', 52, false, 1, 2, 13], // I8MM
  ['3.0.0.4.0', 32, false, 1, 1, 22], // SVE
  ['3.0.0.4.1', 8, false, 2, 2, 18], // MTE
];
const HWCAP_CPUID = 1 << 11; // Linux sets it whenever it emulates MRS (always)

const ours = (k: string): bigint | null => CONSTANT_SYSREGS.get(k) ?? null;

function field(v: bigint, lsb: number, signed: boolean): number {
  const f = Number((v >> BigInt(lsb)) & 0xfn);
  return signed && f >= 8 ? f - 16 : f;
}

describe('A64 system registers', () => {
  it('advertise in the ID registers exactly what AT_HWCAP/AT_HWCAP2 say (as Linux derives HWCAP)', () => {
    const hw = [0, HWCAP_CPUID, 0];
    for (const [reg, lsb, signed, min, w, bit] of LINUX_HWCAPS) {
      if (field(ours(reg) ?? 0n, lsb, signed) >= min) hw[w]! |= 1 << bit;
    }
    expect((hw[1]! >>> 0).toString(16)).toBe(HWCAP.toString(16));
    expect((hw[2]! >>> 0).toString(16)).toBe(HWCAP2.toString(16));
    expect(HWCAP & (1 << 7)).toBeTruthy(); // CRC32
    // PACGA works (runtime/pac.ts); address authentication runs with its keys disabled: not advertised
    expect([(HWCAP >>> 31) & 1, (HWCAP >>> 30) & 1]).toEqual([1, 0]);
  });

  it('read as qemu -cpu cortex-a72 reads them, apart from features we do not implement; the rest trap', () => {
    const featureMask = (reg: string) => LINUX_HWCAPS.filter((h) => h[0] === reg).reduce((mk, h) => mk | (0xfn << BigInt(h[1])), 0n);
    for (const r of PROBED) {
      const k = name(...r), want = QEMU_A72[k]!, got = ours(k);
      expect(got === null, `${k} traps`).toBe(want === null);
      if (want !== null) expect((got! & ~featureMask(k)).toString(16), k).toBe((want & ~featureMask(k)).toString(16));
    }
  });

  it('MRS returns them in Xt; unknown registers trap', () => {
    expect(runInsn(MRS(3, 0, 0, 0, 0, 3), { x: [0n, 0n, 0n, 7n], v: [], nzcv: 0 }).x[3]).toBe(0x410fd083n);
    expect(runInsn(MRS(3, 0, 0, 6, 0, 1), { x: [0n, 5n], v: [], nzcv: 0 }).x[1]).toBe(CONSTANT_SYSREGS.get('3.0.0.6.0'));
    expect(runInsn(MRS(3, 3, 14, 0, 0), { x: [0n], v: [], nzcv: 0 }).x[0]).toBe(62500000n);
    expect(() => runInsn(MRS(3, 0, 0, 1, 0), { x: [0n], v: [], nzcv: 0 })).toThrow('trap'); // ID_PFR0_EL1 (AArch32)
    expect(() => runInsn(MRS(3, 3, 14, 0, 1), { x: [0n], v: [], nzcv: 0 })).toThrow('trap'); // CNTPCT_EL0
  });
});

const missing = toolchainMissing();
describe.skipIf(!!missing && !process.env.CI)(`A64 system registers against qemu-aarch64${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('the recorded cortex-a72 values are what qemu reads now', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'a64sys-'));
    try {
      let src = '#include <stdio.h>\n#include <signal.h>\n#include <setjmp.h>\nstatic sigjmp_buf jb;\nstatic void h(int s) { (void)s; siglongjmp(jb, 1); }\n';
      src += 'int main(void) {\n  signal(SIGILL, h);\n';
      for (const r of PROBED) {
        src += `  { unsigned long v = 0; if (!sigsetjmp(jb, 1)) { __asm__ volatile("mrs %0, s${r[0]}_${r[1]}_c${r[2]}_c${r[3]}_${r[4]}" : "=r"(v)); printf("${name(...r)} %lx\\n", v); } else printf("${name(...r)} -\\n"); }\n`;
      }
      writeFileSync(join(dir, 'p.c'), `${src}  return 0;\n}\n`);
      execFileSync('aarch64-linux-gnu-gcc', ['-static', '-O1', '-o', join(dir, 'p'), join(dir, 'p.c')]);
      const out = execFileSync('qemu-aarch64', ['-cpu', 'cortex-a72', join(dir, 'p')], { encoding: 'utf8' });
      const read: Record<string, bigint | null> = {};
      for (const line of out.trim().split('\n')) {
        const [k, v] = line.split(' ');
        read[k!] = v === '-' ? null : BigInt(`0x${v}`);
      }
      expect(read).toEqual(QEMU_A72);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // CNTVCT_EL0 through the translator and runtime (the pseudo-syscall), CRC32C and MIDR_EL1: the
  // program prints "ok" only if all hold
  it('a translated program reads a counter that advances at CNTFRQ_EL0 over a sleep, as under qemu', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'a64cnt-'));
    try {
      writeFileSync(join(dir, 't.s'), `.text
.global _start
_start:
  mrs x19, cntfrq_el0
  mrs x20, cntvct_el0
  adr x0, ts
  mov x1, #0
  mov x8, #101        // nanosleep 50 ms
  svc #0
  mrs x21, cntvct_el0
  sub x22, x21, x20
  mov x9, #20
  mul x10, x19, x9
  mov x9, #1000
  mul x11, x22, x9
  cmp x11, x10        // at least the 50 ms slept (20 ms: qemu's and our clocks may differ in grain)
  b.lo bad
  lsl x10, x19, #6
  cmp x22, x10        // and under a minute
  b.hs bad
  mov w0, #-1
  ldr x1, =0x0123456789abcdef
  crc32cx w0, w0, x1
  ldr w2, =0x9a4f27dc // crc32c over the bytes ef cd ab 89 67 45 23 01 from ~0, before the final inversion
  cmp w0, w2
  b.ne bad
  mrs x3, midr_el1
  ldr x4, =0x410fd083
  cmp x3, x4
  b.ne bad
  mov x0, #1
  adr x1, ok
  mov x2, #3
  mov x8, #64
  svc #0
  mov x0, #0
  mov x8, #93
  svc #0
bad:
  mov x0, #1
  adr x1, no
  mov x2, #4
  mov x8, #64
  svc #0
  mov x0, #1
  mov x8, #93
  svc #0
.balign 8
ts: .quad 0, 50000000
ok: .ascii "ok\\n"
no: .ascii "bad\\n"
`);
      execFileSync('aarch64-linux-gnu-gcc', ['-nostdlib', '-static', '-march=armv8-a+crc', '-o', join(dir, 't'), join(dir, 't.s')]);
      const want = execFileSync('qemu-aarch64', ['-cpu', 'cortex-a72', join(dir, 't')], { encoding: 'utf8' });
      expect(want).toBe('ok\n');
      const got = await runFixture(await loadElf(readFileSync(join(dir, 't')), join(dir, 't')), []);
      expect(got).toEqual({ stdout: want, stderr: '', status: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a translated program reading a register EL0 may not read dies of SIGILL, as under qemu', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'a64ill-'));
    try {
      // CNTPCT_EL0 (qemu traps it at EL0), after output that must come first
      writeFileSync(join(dir, 't.s'), `.text\n.global _start\n_start:\n  mov x0, #1\n  adr x1, msg\n  mov x2, #3\n  mov x8, #64\n  svc #0
  mrs x0, cntpct_el0\n  mov x8, #93\n  svc #0\nmsg: .ascii "go\\n"\n`);
      execFileSync('aarch64-linux-gnu-gcc', ['-nostdlib', '-static', '-o', join(dir, 't'), join(dir, 't.s')]);
      let status = 0, stdout = '';
      try { execFileSync('qemu-aarch64', [join(dir, 't')], { stdio: ['ignore', 'pipe', 'ignore'] }); } catch (e) {
        const err = e as { status: number | null; signal: string | null; stdout: Buffer };
        status = err.status ?? (err.signal === 'SIGILL' ? 132 : -1);
        stdout = err.stdout.toString();
      }
      expect({ status, stdout }).toEqual({ status: 132, stdout: 'go\n' });
      const got = await runFixture(await loadElf(readFileSync(join(dir, 't')), join(dir, 't')), []);
      expect({ status: got.status, stdout: got.stdout }).toEqual({ status, stdout });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
