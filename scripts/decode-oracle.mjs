#!/usr/bin/env node
// Builds the A64 decoder oracle: encodings paired with what GNU objdump says they are,
// the way QEMU and LLVM check their decoders against an independent disassembler.
//
//   node scripts/decode-oracle.mjs [--cap N]
//
//   --cap N   distinct words kept per objdump mnemonic from the binaries (default 40)
//
// Inputs:   test/fixtures/bin/{progs-glibc-O2,progs-musl-O2,hello-glibc} (committed fixtures)
//           a hand-written assembly list (below), assembled in a temporary directory
// Output:   test/fixtures/decode/oracle.tsv, read by test/unit/a64-decode.test.ts
// Needs:    aarch64-linux-gnu-{objdump,readelf,as} (binutils >= 2.38; 2.40 was used).
//           Only this script needs them: the TSV is committed, the test never runs binutils.
//
// From the binaries only instructions inside FUNC symbols (address in [value, value+size))
// are taken, so literal pools, padding and PLT stubs are skipped. Words are deduplicated
// (first occurrence wins: its pc is recorded, which branch-target checks need). For each
// objdump mnemonic at most --cap words are kept, chosen for variety: the operand text is
// reduced to a *shape* (register numbers, immediates and branch targets blanked, so
// `ldr x0, [x1, #16]` and `ldr w3, [sp, #8]` share `ldr x, [x, #]` / `ldr w, [sp, #]`), and
// words are taken round-robin over the shapes of the mnemonic, in a fixed pseudo-random
// order within a shape (spreads registers and offsets; the output is deterministic).
//
// The hand-written list covers forms the binaries lack: every LSE atomic and CAS variant,
// exclusive pairs, every load/store addressing mode for B/H/W/X/SB/SH/SW and the SIMD&FP
// registers, flag-setting add/sub with carry, conditional compares, EXTR/RORV, system
// instructions, CRC32, pointer authentication outside the hint space, and encodings the
// translator must leave UNDEF (ERETAA, SVE, SME, MTE, MOPS). All of it is kept.
// Groups the installed binutils rejects are skipped with a warning (MOPS needs 2.38).
//
// Columns (tab-separated; '#' lines are comments):
//   word      the instruction word, 8 hex digits as objdump prints it (little-endian value)
//   mnemonic  objdump's mnemonic (preferred alias, as objdump -d prints by default)
//   operands  objdump's operand text, with `<symbol+off>` annotations and `// …` comments
//             removed (branch, adr/adrp and literal targets stay as absolute hex addresses)
//   pc        hex address of the instruction (for .o files: offset in .text)
//   src       glibc | musl | hello | asm

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'test/fixtures/bin');
const OUT_DIR = path.join(ROOT, 'test/fixtures/decode');
const OUT = path.join(OUT_DIR, 'oracle.tsv');
const PREFIX = process.env.CROSS_PREFIX ?? 'aarch64-linux-gnu-';
const BINARIES = [
  ['progs-glibc-O2', 'glibc'],
  ['progs-musl-O2', 'musl'],
  ['hello-glibc', 'hello'],
];

const argv = process.argv.slice(2);
const capArg = argv.indexOf('--cap');
const CAP = capArg >= 0 ? Number(argv[capArg + 1]) : 40;
if (!Number.isInteger(CAP) || CAP < 1) throw new Error('--cap needs a positive integer');

function run(tool, args, { allowFail = false } = {}) {
  const r = spawnSync(PREFIX + tool, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${PREFIX}${tool}: ${r.error.message} (install binutils-aarch64-linux-gnu)`);
  if (r.status !== 0 && !allowFail) throw new Error(`${PREFIX}${tool} ${args.join(' ')} failed:\n${r.stderr}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// objdump parsing

/** `  400284:\ta9bf7bfd \tstp\tx29, x30, [sp, #-16]!` */
const INSN_RE = /^\s*([0-9a-f]+):\t([0-9a-f]{8}) \t([^\t]+?)(?:\t(.*))?$/;

function cleanOperands(ops) {
  return ops
    .replace(/\s*\/\/.*$/, '') // `// #-16`, `// 0x…` comments
    .replace(/\s*<[^>]*>/g, '') // `<symbol+0x10>` after targets
    .trim();
}

function disassemble(file, { keepUndefined = false } = {}) {
  const out = run('objdump', ['-d', '-z', file]).stdout;
  const insns = [];
  for (const line of out.split('\n')) {
    const m = INSN_RE.exec(line);
    if (!m) continue;
    const mnemonic = m[3].trim();
    // `.inst 0x… ; undefined`: objdump has no name for the word (in a binary: data, so skipped)
    if (mnemonic.startsWith('.') && !(keepUndefined && mnemonic === '.inst')) continue;
    insns.push({ pc: BigInt('0x' + m[1]), word: m[2], mnemonic, operands: cleanOperands(m[4] ?? '') });
  }
  return insns;
}

/** sorted, merged [start, end) ranges of FUNC symbols */
function functionRanges(file) {
  const out = run('readelf', ['-sW', file]).stdout;
  const ranges = [];
  for (const line of out.split('\n')) {
    const c = line.trim().split(/\s+/);
    // Num: Value Size Type Bind Vis Ndx Name
    if (c.length < 8 || c[3] !== 'FUNC' || c[6] === 'UND') continue;
    const size = c[2].startsWith('0x') ? BigInt(c[2]) : BigInt(c[2]);
    if (size === 0n) continue;
    const start = BigInt('0x' + c[1]);
    ranges.push([start, start + size]);
  }
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) { if (r[1] > last[1]) last[1] = r[1]; } else merged.push([...r]);
  }
  return merged;
}

function inRanges(ranges, pc) {
  let lo = 0, hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (pc < ranges[mid][0]) hi = mid - 1;
    else if (pc >= ranges[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** operand text with register numbers, immediates, indices and targets blanked */
export function shapeOf(mnemonic, operands) {
  let s = operands
    .replace(/\b([wxbhsdqvzp])(\d+)\b/g, '$1')
    .replace(/#-[0-9a-fx.e+-]+/g, '#-')
    .replace(/#[0-9a-fx.e+-]+/g, '#')
    .replace(/\[\d+\]/g, '[i]');
  // a trailing absolute address (branch, adr/adrp, literal load target)
  s = s.replace(/(^|, )[0-9a-f]+$/, '$1A');
  return `${mnemonic} ${s}`;
}

const mix = (w) => Number((BigInt('0x' + w) * 2654435761n) & 0xffffffffn);

// ---------------------------------------------------------------------------------------------
// The hand-written list

const lines = [];
const g = (...xs) => lines.push(...xs);

function handWritten() {
  /** groups: [name, -march, source lines, optional] */
  const groups = [];

  // --- LSE atomics: every operation, ordering and size, plus the ST* aliases (Rt = zr)
  const lse = [];
  const ords = ['', 'a', 'al', 'l'];
  for (const op of ['ldadd', 'ldclr', 'ldeor', 'ldset', 'ldsmax', 'ldsmin', 'ldumax', 'ldumin', 'swp']) {
    for (const o of ords) {
      lse.push(`${op}${o}b w1, w2, [x3]`, `${op}${o}h w4, w5, [sp]`, `${op}${o} w6, w7, [x8]`, `${op}${o} x9, x10, [x11]`);
    }
    if (op !== 'swp') {
      const st = op.replace(/^ld/, 'st');
      lse.push(`${st} w1, [x2]`, `${st}l x3, [x4]`, `${st}b w5, [x6]`, `${st}lh w7, [sp]`);
    }
  }
  for (const o of ords) {
    lse.push(`cas${o}b w1, w2, [x3]`, `cas${o}h w4, w5, [x6]`, `cas${o} w7, w8, [sp]`, `cas${o} x9, x10, [x11]`);
    lse.push(`casp${o} w0, w1, w2, w3, [x4]`, `casp${o} x4, x5, x6, x7, [sp]`);
  }
  groups.push(['lse', 'armv8.1-a', lse]);

  // --- exclusives, acquire/release, RCpc
  const ex = [];
  for (const [s, r] of [['b', 'w'], ['h', 'w'], ['', 'w'], ['', 'x']]) {
    ex.push(`ldxr${s} ${r}1, [x2]`, `ldaxr${s} ${r}3, [sp]`, `stxr${s} w4, ${r}5, [x6]`, `stlxr${s} w7, ${r}8, [x9]`);
    ex.push(`ldar${s} ${r}10, [x11]`, `stlr${s} ${r}12, [x13]`, `ldlar${s} ${r}14, [x15]`, `stllr${s} ${r}16, [x17]`);
    ex.push(`ldapr${s} ${r}18, [x19]`);
  }
  for (const r of ['w', 'x']) {
    ex.push(`ldxp ${r}0, ${r}1, [x2]`, `ldaxp ${r}3, ${r}4, [sp]`, `stxp w5, ${r}6, ${r}7, [x8]`, `stlxp w9, ${r}10, ${r}11, [x12]`);
  }
  // RCpc 2 (unscaled LDAPUR/STLUR): no row yet
  ex.push('ldapur w0, [x1, #-4]', 'ldapursb x2, [x3, #5]', 'stlur x4, [x5, #8]', 'stlurb w6, [x7]');
  groups.push(['exclusive', 'armv8.4-a', ex]);

  // --- every single-register addressing mode, for every integer and SIMD&FP size
  const ls = [];
  const forms = [
    // [load/store mnemonic, register, scale]
    ['strb', 'w', 0], ['ldrb', 'w', 0], ['ldrsb', 'w', 0], ['ldrsb', 'x', 0],
    ['strh', 'w', 1], ['ldrh', 'w', 1], ['ldrsh', 'w', 1], ['ldrsh', 'x', 1],
    ['str', 'w', 2], ['ldr', 'w', 2], ['ldrsw', 'x', 2], ['str', 'x', 3], ['ldr', 'x', 3],
    ['str', 'b', 0], ['ldr', 'b', 0], ['str', 'h', 1], ['ldr', 'h', 1], ['str', 's', 2], ['ldr', 's', 2],
    ['str', 'd', 3], ['ldr', 'd', 3], ['str', 'q', 4], ['ldr', 'q', 4],
  ];
  let n = 0;
  for (const [mn, r, sc] of forms) {
    const rt = () => `${r}${(n++ % 29) + 1}`;
    const un = mn.replace(/^(ld|st)r/, '$1ur');
    const big = 4095 * (1 << sc);
    ls.push(`${mn} ${rt()}, [x1]`, `${mn} ${rt()}, [sp, #${1 << sc}]`, `${mn} ${rt()}, [x2, #${big}]`);
    ls.push(`${un} ${rt()}, [x3, #-256]`, `${un} ${rt()}, [x4, #255]`, `${un} ${rt()}, [sp, #-1]`);
    ls.push(`${mn} ${rt()}, [x5, #-256]!`, `${mn} ${rt()}, [sp, #255]!`, `${mn} ${rt()}, [x6], #-256`, `${mn} ${rt()}, [x7], #${1 << sc}`);
    ls.push(`${mn} ${rt()}, [x8, x9]`, `${mn} ${rt()}, [x10, x11, lsl #${sc}]`, `${mn} ${rt()}, [sp, w12, uxtw]`);
    ls.push(`${mn} ${rt()}, [x13, w14, sxtw #${sc}]`, `${mn} ${rt()}, [x15, x16, sxtx]`, `${mn} ${rt()}, [x17, x18, sxtx #${sc}]`);
    if ('wx'.includes(r)) {
      const t = mn.replace(/^(ld|st)r/, '$1tr');
      ls.push(`${t} ${rt()}, [x19]`, `${t} ${rt()}, [x20, #-256]`, `${t} ${rt()}, [sp, #255]`);
    }
    if (mn.startsWith('ldr') && !mn.endsWith('b') && !mn.endsWith('h') && (mn !== 'ldr' || 'wxsdq'.includes(r))) {
      ls.push(`${mn} ${rt()}, lit_back`, `${mn} ${rt()}, lit_fwd`);
    }
  }
  ls.push('prfm pldl1keep, [x0]', 'prfm pstl2strm, [sp, #32760]', 'prfm pldl3keep, [x1, x2, lsl #3]', 'prfm plil1keep, [x3, w4, sxtw]');
  ls.push('prfum pldl1strm, [x5, #-1]', 'prfm pldl1keep, lit_fwd', 'prfm #0x1f, [x6]');
  // pairs: every size, every mode, and the non-temporal forms
  for (const [r, sc] of [['w', 2], ['x', 3], ['s', 2], ['d', 3], ['q', 4]]) {
    const k = 1 << sc;
    for (const mn of ['ldp', 'stp']) {
      ls.push(`${mn} ${r}1, ${r}2, [x3]`, `${mn} ${r}4, ${r}5, [sp, #${63 * k}]`, `${mn} ${r}6, ${r}7, [x8, #${-64 * k}]`);
      ls.push(`${mn} ${r}9, ${r}10, [x11, #${-k}]!`, `${mn} ${r}12, ${r}13, [sp, #${63 * k}]!`);
      ls.push(`${mn} ${r}14, ${r}15, [x16], #${-64 * k}`, `${mn} ${r}17, ${r}18, [sp], #${k}`);
      ls.push(`${mn.replace('p', 'np')} ${r}19, ${r}20, [x21, #${-k}]`, `${mn.replace('p', 'np')} ${r}22, ${r}23, [sp]`);
    }
  }
  ls.push('ldpsw x0, x1, [x2]', 'ldpsw x3, x4, [sp, #-256]!', 'ldpsw x5, x6, [x7], #252');
  groups.push(['loadstore', 'armv8-a', ['lit_back:', '.word 0, 0, 0, 0', ...ls, '.p2align 4', 'lit_fwd:', '.word 0, 0, 0, 0']]);

  // --- integer data processing the binaries use rarely or never
  const dp = [
    'adc w0, w1, w2', 'adc x3, x4, x5', 'adcs w6, w7, w8', 'adcs x9, x10, x11', 'sbc w12, w13, w14', 'sbc x15, x16, x17',
    'sbcs w18, w19, w20', 'sbcs x21, x22, x23', 'ngc x24, x25', 'ngcs w26, w27',
    'ccmn x0, #5, #2, ne', 'ccmn w1, #31, #0xf, eq', 'ccmp x2, #0, #4, lt', 'ccmn x3, x4, #1, hi', 'ccmp w5, w6, #8, al',
    'extr x0, x1, x2, #17', 'extr w3, w4, w5, #31', 'ror x6, x7, #63', 'ror w8, w9, #1',
    'rorv x10, x11, x12', 'rorv w13, w14, w15', 'lslv x0, x1, x2', 'lsrv w3, w4, w5', 'asrv x6, x7, x8',
    'smulh x0, x1, x2', 'umulh x3, x4, x5', 'smaddl x6, w7, w8, x9', 'umsubl x10, w11, w12, x13', 'smull x14, w15, w16',
    'umnegl x17, w18, w19', 'mneg w20, w21, w22', 'msub x23, x24, x25, x26', 'sdiv w0, w1, w2', 'udiv x3, x4, x5',
    'rbit w0, w1', 'rbit x2, x3', 'rev16 w4, w5', 'rev16 x6, x7', 'rev32 x8, x9', 'rev w10, w11', 'rev x12, x13',
    'clz w14, w15', 'clz x16, x17', 'cls w18, w19', 'cls x20, x21',
    'csinc x0, x1, x2, ge', 'csinv w3, w4, w5, vs', 'csneg x6, x7, x8, pl', 'cset w9, cc', 'csetm x10, mi',
    'cinc w11, w12, le', 'cinv x13, x14, gt', 'cneg w15, w16, ls',
    'bfi x0, x1, #8, #16', 'bfxil w2, w3, #4, #4', 'bfc x4, #60, #4', 'sbfiz x5, x6, #3, #29', 'sbfx w7, w8, #1, #30',
    'ubfiz w9, w10, #31, #1', 'ubfx x11, x12, #32, #32', 'sxtb x13, w14', 'sxth w15, w16', 'sxtw x17, w18',
    'uxtb w19, w20', 'uxth w21, w22', 'lsl x23, x24, #63', 'lsr w25, w26, #31', 'asr x27, x28, #1',
    'tst x0, #0xff00', 'tst w1, w2, ror #3', 'bics x3, x4, x5, asr #63', 'bic w6, w7, w8, lsl #31', 'orn x9, x10, x11, lsr #1',
    'eon w12, w13, w14', 'eor x15, x16, #0x5555555555555555', 'mvn x17, x18', 'neg w19, w20, lsl #3', 'negs x21, x22, asr #2',
    'and sp, x0, #0xfffffffffffffff0', 'orr wsp, w1, #0x1', 'ands xzr, x2, #0x3',
    'add x0, x1, w2, uxtb #2', 'add x3, sp, w4, uxth', 'sub x5, x6, w7, sxtb #4', 'adds w8, w9, w10, sxth #1',
    'subs x11, sp, x12, uxtx #3', 'cmp x13, w14, sxtw', 'cmn w15, w16, uxtw #1', 'add sp, sp, x17', 'sub wsp, wsp, w18',
    'add x19, x20, #0xfff, lsl #12', 'subs w21, w22, #0x1', 'cmn x23, #0x10', 'mov sp, x24', 'mov x25, sp',
    'movz x0, #0x1234, lsl #48', 'movz w1, #0xffff, lsl #16', 'movn x2, #0x0, lsl #32', 'movn w3, #0xffff',
    'movk x4, #0xabcd, lsl #32', 'movk w5, #0x1, lsl #16', 'mov x6, #0xffff0000ffff0000', 'mov w7, #0x7fffffff',
    'adr x0, dp_fwd', 'adr x1, .', 'cmp x0, x1, lsl #12', 'cmp w2, w3, asr #31',
    // CRC32 (Armv8.1 optional; table/crc.ts)
    'crc32b w0, w1, w2', 'crc32h w3, w4, w5', 'crc32w w6, w7, w8', 'crc32x w9, w10, x11', 'crc32cb w12, w13, w14',
    'crc32cx w15, w16, x17',
    'dp_fwd:',
  ];
  groups.push(['dp', 'armv8.2-a+crc', dp]);

  // --- branches, exceptions, system
  const sys = [
    'br_back:', 'b br_back', 'bl br_fwd', 'b.eq br_back', 'b.ne br_fwd', 'b.cs br_back', 'b.cc br_fwd', 'b.mi br_back',
    'b.pl br_fwd', 'b.vs br_back', 'b.vc br_fwd', 'b.hi br_back', 'b.ls br_fwd', 'b.ge br_back', 'b.lt br_fwd',
    'b.gt br_back', 'b.le br_fwd', 'b.al br_back', 'b.nv br_fwd',
    'cbz w0, br_back', 'cbnz x1, br_fwd', 'cbz xzr, br_fwd', 'tbz w2, #0, br_back', 'tbnz x3, #63, br_fwd', 'tbz x4, #32, br_fwd',
    'tbnz w5, #31, br_back',
    'br x16', 'blr x30', 'ret', 'ret x1', 'br xzr',
    'svc #0x0', 'svc #0xffff', 'brk #0x3e8', 'hlt #0xf000', 'udf #0x10', 'hvc #0x0', 'smc #0x0',
    'nop', 'yield', 'wfe', 'wfi', 'sev', 'sevl', 'esb', 'psb csync', 'csdb', 'bti', 'bti c', 'bti j', 'bti jc',
    'paciasp', 'autiasp', 'pacibsp', 'autibsp', 'paciaz', 'xpaclri', 'hint #0x7f', 'dgh',
    'dmb ish', 'dmb ishld', 'dsb sy', 'dsb ishst', 'isb', 'clrex', 'clrex #0x5', 'sb', 'ssbb', 'pssbb',
    'mrs x0, tpidr_el0', 'msr tpidr_el0, x1', 'mrs x2, nzcv', 'msr nzcv, x3', 'mrs x4, fpcr', 'msr fpcr, x5',
    'mrs x6, fpsr', 'msr fpsr, x7', 'mrs x8, ctr_el0', 'mrs x9, dczid_el0', 'mrs x10, midr_el1', 'mrs x11, cntvct_el0',
    'mrs x12, cntfrq_el0', 'mrs x13, s3_3_c15_c2_7',
    'msr daifset, #0x2', 'msr daifclr, #0xf', 'msr spsel, #0x1',
    'dc zva, x0', 'dc civac, x1', 'dc cvau, x2', 'ic ivau, x3', 'ic iallu', 'sys #3, c7, c5, #1, x4', 'sysl x5, #3, c7, c5, #1',
    // flag manipulation (FlagM): CFINV/AXFLAG/XAFLAG change NZCV
    'cfinv', 'axflag', 'xaflag', 'rmif x0, #3, #2', 'setf8 w1', 'setf16 w2',
    // PSTATE fields that are not plain no-ops
    'msr ssbs, #0x1', 'msr dit, #0x1', 'msr pan, #0x1', 'msr uao, #0x0',
    // pointer authentication outside the hint space: rows as on a core whose keys are disabled,
    // LDRAA/LDRAB and PACGA; ERETAA/ERETAB are UNDEF (EL0 has no exception return)
    'retaa', 'retab', 'braa x0, x1', 'brab x2, sp', 'blraa x3, x4', 'braaz x5', 'blrabz x6', 'eretaa',
    'ldraa x7, [x8]', 'ldrab x9, [x10, #-8]!', 'pacia x11, x12', 'autib x13, sp', 'paciza x14', 'xpaci x15', 'xpacd x16',
    'pacga x17, x18, x19',
    'br_fwd:', 'nop',
  ];
  groups.push(['system', 'armv8.5-a+ssbs+predres', sys]);

  // --- FP/SIMD forms compilers emit (vectorised loops, intrinsics) that these binaries lack;
  // the test only reports which of them still decode UNDEF
  groups.push(['fpsimd', 'armv8.6-a+crypto+sha3+sm4+fp16+fp16fml+bf16+i8mm+dotprod', [
    'fmov h0, w1', 'fmov w2, h3', 'fmov x4, v5.d[1]', 'fmov v6.d[1], x7', 'fmov h8, #1.0', 'fmov v9.4s, #-2.0',
    'fadd h0, h1, h2', 'fcvt s3, h4', 'fcvt h5, d6', 'fcvtzs w7, h8', 'scvtf h9, x10', 'fcvtzs x11, d12, #3',
    'ucvtf s13, w14, #32', 'fcvtns w15, s16', 'fcvtmu x17, d18', 'fcvtps w19, d20', 'frintn d21, d22', 'frint32z s23, s24',
    'fmax s25, s26, s27', 'fmin d28, d29, d30', 'fnmul s0, s1, s2', 'fccmpe d3, d4, #2, ne', 'fcmp s5, #0.0', 'fjcvtzs w6, d7',
    'addp v0.4s, v1.4s, v2.4s', 'uaddlv s3, v4.8h', 'saddlv d5, v6.4s', 'smaxv b7, v8.16b', 'uminv h9, v10.4h', 'fmaxv s11, v12.4s',
    'fminnmv s13, v14.4s', 'cmhi v15.2d, v16.2d, v17.2d', 'cmge v18.8h, v19.8h, #0', 'cmtst v20.4s, v21.4s, v22.4s',
    'zip1 v23.16b, v24.16b, v25.16b', 'zip2 v26.8h, v27.8h, v28.8h', 'trn1 v29.4s, v30.4s, v31.4s', 'trn2 v0.2d, v1.2d, v2.2d',
    'rev64 v3.4s, v4.4s', 'rev16 v5.16b, v6.16b', 'ext v7.16b, v8.16b, v9.16b, #7',
    'fmla v10.4s, v11.4s, v12.s[3]', 'fmls v13.2d, v14.2d, v15.d[1]', 'fmul d16, d17, v18.d[1]', 'mla v19.8h, v20.8h, v15.h[7]',
    'fcvtn v22.4h, v23.4s', 'fcvtl2 v24.2d, v25.4s', 'fcvtzs v26.4s, v27.4s', 'scvtf v28.2d, v29.2d', 'ucvtf v30.4s, v31.4s, #5',
    'sqadd v0.16b, v1.16b, v2.16b', 'uqsub v3.8h, v4.8h, v5.8h', 'urhadd v6.16b, v7.16b, v8.16b', 'shadd v9.4s, v10.4s, v11.4s',
    'saddlp v12.8h, v13.16b', 'uadalp v14.4s, v15.8h', 'umlal v16.2d, v17.2s, v18.2s', 'smlsl2 v19.4s, v20.8h, v21.8h',
    'sqdmulh v22.4s, v23.4s, v24.4s', 'sqrdmulh v25.8h, v26.8h, v7.h[1]', 'pmull v28.8h, v29.8b, v30.8b',
    'pmull2 v31.1q, v0.2d, v1.2d', 'uabd v2.16b, v3.16b, v4.16b', 'sabal v5.8h, v6.8b, v7.8b', 'abs v8.4s, v9.4s', 'sqabs d10, d11',
    'frecpe v12.4s, v13.4s', 'frecps v14.4s, v15.4s, v16.4s', 'frsqrte d17, d18', 'frsqrts v19.2d, v20.2d, v21.2d', 'urecpe v22.2s, v23.2s',
    'fcmeq v24.4s, v25.4s, #0.0', 'fcmgt d26, d27, d28', 'facge v29.2d, v30.2d, v31.2d', 'fabd v0.4s, v1.4s, v2.4s', 'fmulx s3, s4, s5',
    'faddp s6, v7.2s', 'fmaxnmp v8.2d, v9.2d, v10.2d', 'fsqrt v11.4s, v12.4s', 'fneg v13.2d, v14.2d', 'frintm v15.4s, v16.4s',
    'ld2 {v0.4s, v1.4s}, [x0]', 'ld3 {v2.16b-v4.16b}, [x1], #48', 'ld4 {v5.8h-v8.8h}, [x2], x3', 'st2 {v9.2d, v10.2d}, [x4]',
    'st3 {v11.4s-v13.4s}, [sp]', 'st4 {v14.16b-v17.16b}, [x5], #64', 'ld1 {v18.16b-v21.16b}, [x6]', 'st1 {v22.2d, v23.2d}, [x7], #32',
    'ld1r {v24.4s}, [x8]', 'ld2r {v25.8h, v26.8h}, [x9], #4', 'ld1 {v27.s}[1], [x10]', 'st1 {v28.d}[1], [x11], #8',
    'ld4 {v0.b-v3.b}[15], [x12]', 'st2 {v4.h, v5.h}[3], [x13], x14',
    'tbx v29.16b, {v30.16b}, v31.16b', 'tbl v0.16b, {v1.16b-v4.16b}, v5.16b', 'ins v6.s[2], w7', 'ins v8.b[1], v9.b[15]',
    'dup v10.8h, v11.h[3]', 'dup v12.2d, x13', 'smov x14, v15.h[2]', 'umov w16, v17.b[9]', 'dup s18, v19.s[1]',
    'movi v20.2d, #0xff00ff00ff00ff00', 'movi v21.4s, #0x12, lsl #8', 'movi v22.4s, #0x12, msl #16', 'mvni v23.8h, #0x34',
    'orr v24.4s, #0x1, lsl #24', 'bic v25.8h, #0xff', 'movi d26, #0xffffffff00000000',
    'shl d27, d28, #63', 'sshr v29.2d, v30.2d, #1', 'ushr v31.16b, v0.16b, #8', 'sri v1.4s, v2.4s, #5', 'sli v3.8h, v4.8h, #15',
    'sshll v5.8h, v6.8b, #0', 'ushll2 v7.4s, v8.8h, #3', 'uqxtn v9.8b, v10.8h', 'sqxtun2 v11.16b, v12.8h', 'rshrn v13.8b, v14.8h, #3',
    'srshr v15.4s, v16.4s, #7', 'usra v17.2d, v18.2d, #63', 'sqshl v19.4s, v20.4s, #2', 'uqrshrn b21, h22, #4', 'sshl v23.2d, v24.2d, v25.2d',
    'ushl d26, d27, d28', 'cnt v29.8b, v30.8b', 'clz v31.4s, v0.4s', 'cls v1.8h, v2.8h', 'rbit v3.16b, v4.16b', 'not v5.16b, v6.16b',
    'xtn2 v7.16b, v8.8h', 'neg d9, d10', 'add d11, d12, d13', 'addp d14, v15.2d', 'cmeq d16, d17, #0', 'umaxp v18.4s, v19.4s, v20.4s',
    'fcvtzs v21.2d, v22.2d, #10', 'fcvtau v23.4s, v24.4s', 'frinta v25.2d, v26.2d', 'frint64x v27.4s, v28.4s',
    'sdot v29.4s, v30.16b, v31.16b', 'udot v0.4s, v1.16b, v2.4b[3]', 'usdot v3.4s, v4.16b, v5.16b', 'smmla v6.4s, v7.16b, v8.16b',
    'fadd v9.8h, v10.8h, v11.8h', 'fmla v12.8h, v13.8h, v14.h[7]', 'fmlal v15.4s, v16.4h, v17.4h', 'fcmla v18.4s, v19.4s, v20.4s, #90',
    'fcadd v21.2d, v22.2d, v23.2d, #270', 'bfcvt h24, s25', 'bfdot v26.4s, v27.8h, v28.8h', 'bfcvtn v29.4h, v30.4s',
    'aese v0.16b, v1.16b', 'aesd v2.16b, v3.16b', 'aesmc v4.16b, v5.16b', 'aesimc v6.16b, v7.16b', 'sha1c q8, s9, v10.4s',
    'sha256h q11, q12, v13.4s', 'sha256su0 v14.4s, v15.4s', 'sha512h q16, q17, v18.2d', 'eor3 v19.16b, v20.16b, v21.16b, v22.16b',
    'rax1 v23.2d, v24.2d, v25.2d', 'sm3ss1 v26.4s, v27.4s, v28.4s, v29.4s',
  ]]);

  // --- extensions the translator deliberately leaves UNDEF
  groups.push(['sve', 'armv8.2-a+sve2', [
    'ptrue p0.b', 'ptrue p1.s, vl8', 'whilelo p2.d, x0, x1', 'ld1d {z0.d}, p0/z, [x0]', 'st1b {z1.b}, p1, [x1, x2]',
    'add z0.s, z1.s, z2.s', 'fadd z3.d, p0/m, z3.d, z4.d', 'cntd x3', 'rdvl x4, #1', 'addvl sp, sp, #-2', 'incw x5',
    'movprfx z6, z7', 'mov z8.d, #0', 'dup z9.b, w0', 'ptest p0, p1.b', 'ldr z10, [x0, #1, mul vl]', 'setffr',
    'ld1rqb {z11.b}, p0/z, [x0]', 'uzp1 z12.s, z13.s, z14.s', 'tbl z15.b, {z16.b}, z17.b',
  ]]);
  groups.push(['sme', 'armv9-a+sme', ['smstart', 'smstop', 'smstart sm', 'smstop za', 'zero {za}', 'rdsvl x0, #1', 'addsvl sp, sp, #1'], true]);
  groups.push(['mte', 'armv8.5-a+memtag', [
    'irg x0, x1', 'irg x2, sp, x3', 'addg x4, x5, #16, #1', 'subg sp, x6, #32, #15', 'gmi x7, x8, x9', 'subp x10, x11, x12',
    'subps x13, x14, x15', 'stg x16, [x17]', 'stzg x18, [sp, #-16]!', 'st2g x19, [x20], #32', 'ldg x21, [x22, #16]',
    'stgp x23, x24, [x25]', 'msr tco, #0x1',
  ], true]);
  groups.push(['mops', 'armv8.8-a+mops', [
    'cpyfp [x0]!, [x1]!, x2!', 'cpyfm [x0]!, [x1]!, x2!', 'cpyfe [x0]!, [x1]!, x2!',
    'cpyp [x3]!, [x4]!, x5!', 'cpym [x3]!, [x4]!, x5!', 'cpye [x3]!, [x4]!, x5!',
    'setp [x6]!, x7!, x8', 'setm [x6]!, x7!, x8', 'sete [x6]!, x7!, x8',
  ], true]);

  // --- words next to valid encodings that the architecture leaves unallocated (or that need
  // features the translator lacks); objdump prints most as `.inst 0x… ; undefined`
  groups.push(['unallocated', 'armv8.8-a', [
    0xf8800c00, // PRFM has no pre-index form (size=3 opc=2)
    0xf8800400, // … nor post-index
    0xf8800800, // … nor unprivileged
    0x68400820, // LDNP with opc=01 (no LDNPSW)
    0x69000000, // STPSW does not exist: Armv8.5 reuses the encoding for MTE STGP
    0xe9400000, // LDP opc=11
    0x8bc20020, // ADD (shifted register) with shift=ROR
    0x0b201c00, // ADD (extended register) with imm3=7
    0x12400000, // AND (immediate) W with N=1
    0x52c00000, // MOVZ W with hw=2
    0x93800000, // EXTR X with N=0
    0x73000000, // BFM-class opc=11
    0xf8600800, // LDR (register) with option=UXTB
    0x7d800000, // STR (immediate) H with opc=1x (no 128-bit H form)
    0xb9c00000, // LDRSW-class size=10 opc=11
    0xdc000000, // LDR (literal) SIMD&FP opc=11
    0xf8209000, // LSE o3=1 opc=001 (LS64 space, Rs!=11111)
    0xf8e0c000, // LDAPR-like with A=1 R=1
    0x38e0c000, // … byte
    0xfa400810, // CCMP (register) with o3=1
    0x9a800800, // CSEL with op2<1>=1
    0x5ac00c00, // REV W-form with opc=11 (REV64 needs sf=1)
    0x9b400000, // SMULH (Ra=00000: objdump still names it)
    0x54000010, // BC.cond (Armv8.8 FEAT_HBC)
    0xd50040df, // MSR (immediate) space, unallocated op2
    0xd503301f, // barrier space, op2=000 (unallocated)
    0xd503307f, // TCOMMIT (TME)
    0x00000000, // UDF #0
  ].map((w) => `.inst 0x${w.toString(16).padStart(8, '0')}`)]);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decode-oracle-'));
  const insns = [];
  try {
    for (const [name, march, src, optional] of groups) {
      const s = path.join(dir, `${name}.s`), o = path.join(dir, `${name}.o`);
      fs.writeFileSync(s, `\t.text\n${src.map((l) => (l.endsWith(':') ? l : `\t${l}`)).join('\n')}\n`);
      const r = run('as', [`-march=${march}`, '-o', o, s], { allowFail: true });
      if (r.status !== 0) {
        if (!optional) throw new Error(`hand-written group ${name} does not assemble:\n${r.stderr}`);
        console.warn(`warning: skipping group ${name} (${PREFIX}as -march=${march} rejects it)`);
        continue;
      }
      for (const i of disassemble(o, { keepUndefined: true })) insns.push({ ...i, src: 'asm' });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return insns;
}

// ---------------------------------------------------------------------------------------------

function main() {
  const header = [
    '# A64 decoder oracle, generated by scripts/decode-oracle.mjs: do not edit by hand.',
    `# ${run('objdump', ['--version']).stdout.split('\n')[0]}`,
  ];
  /** word → first occurrence */
  const seen = new Map();
  const byMnemonic = new Map();
  for (const [file, tag] of BINARIES) {
    const p = path.join(BIN, file);
    header.push(`# ${file} sha256 ${createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`);
    const ranges = functionRanges(p);
    for (const i of disassemble(p)) {
      if (!inRanges(ranges, i.pc) || seen.has(i.word)) continue;
      const e = { ...i, src: tag };
      seen.set(i.word, e);
      let m = byMnemonic.get(i.mnemonic);
      if (!m) byMnemonic.set(i.mnemonic, (m = new Map()));
      const shape = shapeOf(i.mnemonic, i.operands);
      let list = m.get(shape);
      if (!list) m.set(shape, (list = []));
      list.push(e);
    }
  }

  const chosen = [];
  let binaryWords = 0;
  for (const shapes of byMnemonic.values()) {
    const lists = [...shapes.values()].map((l) => [...l].sort((a, b) => mix(a.word) - mix(b.word) || (a.word < b.word ? -1 : 1)));
    let taken = 0;
    for (let k = 0; taken < CAP; k++) {
      let any = false;
      for (const l of lists) {
        if (k < l.length && taken < CAP) { chosen.push(l[k]); taken++; any = true; }
      }
      if (!any) break;
    }
    binaryWords += [...shapes.values()].reduce((n, l) => n + l.length, 0);
  }
  const nBin = chosen.length;
  for (const i of handWritten()) {
    if (seen.has(i.word)) continue;
    seen.set(i.word, i);
    chosen.push(i);
  }

  chosen.sort((a, b) => (a.mnemonic < b.mnemonic ? -1 : a.mnemonic > b.mnemonic ? 1 : a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  header.push(`# ${binaryWords} distinct words in functions, ${byMnemonic.size} mnemonics; kept ${nBin} (cap ${CAP}/mnemonic) + ${chosen.length - nBin} hand-written`);
  header.push('# word\tmnemonic\toperands\tpc\tsrc');
  const body = chosen.map((i) => `${i.word}\t${i.mnemonic}\t${i.operands}\t${i.pc.toString(16)}\t${i.src}`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const text = `${header.join('\n')}\n${body.join('\n')}\n`;
  fs.writeFileSync(OUT, text);
  const mn = new Set(chosen.map((i) => i.mnemonic));
  console.log(`${path.relative(ROOT, OUT)}: ${chosen.length} lines, ${mn.size} mnemonics, ${(text.length / 1024).toFixed(0)} KiB`);
}

main();
