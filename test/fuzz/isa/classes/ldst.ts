// Loads and stores (Arm ARM C4.1.94): general and SIMD&FP registers, unsigned/unscaled/pre/post
// index, register offset with every extend, pairs, literals, exclusives, acquire/release, and
// LD1/ST1…LD4/ST4 multiple structures. Bases are x27 (the scratch area) and SP; index registers
// x24–x26 hold small offsets (x24 with junk in its top half, so only 32-bit extends stay in range).
import { SCRATCH, SCRATCH_SIZE } from '../program.ts';
import { addrReg, draw, indexReg, type FuzzClass } from '../generate.ts';
import { asm, t, type Ctx, type F, type TemplateOptions } from '../template.ts';

const base = { rn: addrReg };
const sx = (v: number, bits: number) => BigInt.asIntN(bits, BigInt(v));

/** The register-offset addend: Rm extended by `option` and shifted (ExtendReg). */
export function extendReg(v: bigint, option: number, shift: number): bigint {
  const size = 8 << (option & 3);
  const x = option & 4 ? BigInt.asIntN(size, v) : BigInt.asUintN(size, v);
  return BigInt.asIntN(64, x << BigInt(shift));
}

/** GPR loads writing back to their own base are UNPREDICTABLE (and so are stores of the base). */
const noBaseOverlap = (f: F, wb: boolean, ...rts: number[]) => !wb || f.rn === 31 || !rts.includes(f.rn!);

// size/opc of the single-register forms: bytes accessed, load or store, prefetch, or unallocated
function single(f: F): { bytes: number; load: boolean; prefetch?: boolean } | undefined {
  if (f.V) {
    if (f.opc! >= 2) return f.size === 0 ? { bytes: 16, load: f.opc === 3 } : undefined;
    return { bytes: 1 << f.size!, load: f.opc === 1 };
  }
  if (f.opc! < 2) return { bytes: 1 << f.size!, load: f.opc === 1 };
  if (f.size === 3) return f.opc === 2 ? { bytes: 8, load: false, prefetch: true } : undefined; // PRFM
  if (f.opc === 3 && f.size === 2) return undefined;
  return { bytes: 1 << f.size!, load: true }; // LDRS*
}

const loadWrites = (f: F) => {
  const s = single(f);
  return s?.load && !f.V ? ['rt'] : [];
};

const unsignedImm = t('LDST_uimm', 'size:2 111 V 01 opc:2 imm12:12 rn:5 rt:5', {
  draw: { ...base, imm12: (c) => c.r.int(c.r.chance(0.7) ? 512 : 4096) },
  valid: (f) => single(f) !== undefined, writes: loadWrites,
  mem: (f) => {
    const s = single(f)!;
    return s.prefetch ? [] : [{ base: f.rn!, offset: BigInt(f.imm12! * s.bytes), size: s.bytes }];
  },
  weight: 3,
});

// mode: 0 unscaled (LDUR), 1 post-index, 2 unprivileged (LDTR, general registers only), 3 pre-index
const imm9 = t('LDST_imm9', 'size:2 111 V 00 opc:2 0 imm9:9 mode:2 rn:5 rt:5', {
  draw: { ...base },
  valid: (f) => {
    const s = single(f);
    if (!s || (s.prefetch && f.mode !== 0) || (f.V && f.mode === 2) || (f.mode === 2 && s.bytes === 16)) return false;
    return noBaseOverlap(f, f.mode === 1 || f.mode === 3, f.rt!);
  },
  writes: loadWrites,
  mem: (f) => {
    const s = single(f)!, off = Number(sx(f.imm9!, 9)), wb = f.mode === 1 || f.mode === 3;
    if (s.prefetch) return [];
    return [{ base: f.rn!, offset: BigInt(f.mode === 1 ? 0 : off), size: s.bytes, ...(wb ? { writeback: off } : {}) }];
  },
  weight: 3,
});

const regOffset = t('LDST_reg', 'size:2 111 V 00 opc:2 1 rm:5 option:3 S 10 rn:5 rt:5', {
  draw: { ...base, rm: indexReg },
  valid: (f) => single(f) !== undefined && [2, 3, 6, 7].includes(f.option!), writes: loadWrites,
  mem: (f, c) => {
    const s = single(f)!;
    if (s.prefetch) return [];
    const shift = f.S ? Math.log2(s.bytes) : 0;
    return [{ base: f.rn!, offset: extendReg(c.index.get(f.rm!)!, f.option!, shift), size: s.bytes }];
  },
  weight: 2,
});

// opc/V: the element size of a pair (LDPSW: opc 01, loads only); mode 0 no-allocate, 1 post, 2 offset, 3 pre
const pairBytes = (f: F) => (f.V ? (f.opc! < 3 ? 4 << f.opc! : 0) : f.opc === 0 || f.opc === 1 ? 4 : f.opc === 2 ? 8 : 0);
const pairs = t('LDST_pair', 'opc:2 101 V 0 mode:2 L imm7:7 rt2:5 rn:5 rt:5', {
  draw: { ...base },
  valid: (f) => {
    if (!pairBytes(f)) return false;
    if (!f.V && f.opc === 1 && (!f.L || f.mode === 0)) return false; // LDPSW: loads, not no-allocate
    if (f.L && f.rt === f.rt2) return false;
    return f.V === 1 || noBaseOverlap(f, f.mode === 1 || f.mode === 3, f.rt!, f.rt2!);
  },
  writes: (f) => (f.L && !f.V ? ['rt', 'rt2'] : []),
  mem: (f) => {
    const e = pairBytes(f), off = Number(sx(f.imm7!, 7)) * e, wb = f.mode === 1 || f.mode === 3;
    return [{ base: f.rn!, offset: BigInt(f.mode === 1 ? 0 : off), size: 2 * e, ...(wb ? { writeback: off } : {}) }];
  },
  weight: 3,
});

// LDR (literal): reads the code of the sequence or the epilogue ahead (a forward PC-relative word offset)
const literal = t('LDR_lit', 'opc:2 011 V 00 imm19:19 rt:5', {
  branch: 'imm19', valid: (f) => !(f.V && f.opc === 3), writes: (f) => (f.V || f.opc === 3 ? [] : ['rt']),
});

// Exclusives and acquire/release (C4.1.94 "load/store exclusive", "ordered"), naturally aligned, at
// the base. o2=0: exclusive (o1: pair); o2=1, o1=0: LDAR/STLR (o0=1), LDLAR/STLLR (o0=0, FEAT_LOR).
const exclusivePattern = 'size:2 001000 o2 L o1 rs:5 o0 rt2:5 rn:5 rt:5';
const exclusiveBytes = (f: F) => (1 << f.size!) * (!f.o2 && f.o1 ? 2 : 1);
const exclusiveOptions = (pick: (f: F) => boolean, ext?: string): TemplateOptions => ({
  draw: {
    ...base,
    rs: (c: Ctx, f: F) => (f.L || f.o2 ? 31 : c.r.int(31)),
    rt2: (c: Ctx, f: F) => (f.o1 && !f.o2 ? c.r.int(32) : 31),
  },
  valid: (f) => {
    if ((f.o2 && f.o1) || !pick(f)) return false; // o2:o1 = 11 is CAS (the atomics class)
    const pair = !f.o2 && f.o1;
    if (pair && f.size! < 2) return false;
    if (f.L && pair && f.rt === f.rt2) return false;
    // a store exclusive's status register must differ from its data and base registers
    return !!(f.L || f.o2) || (f.rs !== f.rt && f.rs !== f.rn && !(pair && f.rs === f.rt2));
  },
  writes: (f) => (f.L ? (!f.o2 && f.o1 ? ['rt', 'rt2'] : ['rt']) : f.o2 ? [] : ['rs']),
  mem: (f) => [{ base: f.rn!, offset: 0n, size: exclusiveBytes(f), align: exclusiveBytes(f) }],
  ...(ext ? { ext } : {}),
});
const ordered = t('LDST_ordered', exclusivePattern, exclusiveOptions((f) => f.o2 === 1));
const loadExclusive = t('LDXR', exclusivePattern, exclusiveOptions((f) => !f.o2 && f.L === 1));
const storeExclusive = t('STXR', exclusivePattern, exclusiveOptions((f) => !f.o2 && !f.L));
/** LDXR/LDAXR(P) then STXR/STLXR(P) of the same size at the same address: the store succeeds. */
function exclusivePair(c: Ctx): number[] | undefined {
  if (c.length - c.pos < 2) return undefined;
  const ld = draw(loadExclusive, c);
  const st = draw(storeExclusive, c, (f) => f.size === ld.f.size && f.o1 === ld.f.o1 && f.rn === ld.f.rn);
  return [ld.word, st.word];
}
// The local exclusive monitor (src/arch/aarch64/table/exclusive.ts), as qemu models it: a store
// exclusive fails without a load exclusive of its address before it (STXR_unpaired; the epilogue's
// syscall clears the monitor between sequences), after CLREX or a store exclusive, and when memory
// no longer holds the value loaded, compared at the store's size.
const unpairedStore = { ...storeExclusive, name: 'STXR_unpaired' };
const clrex = t('CLREX', '11010101000000110011 crm:4 010 11111');
/** a load exclusive, then at the same base a store exclusive of any size, pair or not */
function exclusiveOtherSize(c: Ctx): number[] | undefined {
  if (c.length - c.pos < 2) return undefined;
  const ld = draw(loadExclusive, c);
  return [ld.word, draw(storeExclusive, c, (f) => f.rn === ld.f.rn).word];
}
/** a load exclusive, CLREX or a plain store to its address (of the loaded value, or another), the store exclusive */
function exclusiveBetween(c: Ctx): number[] | undefined {
  if (c.length - c.pos < 3) return undefined;
  const ld = draw(loadExclusive, c, (f) => !f.o1);
  const rt = c.r.chance(0.5) ? ld.f.rt! : c.r.int(32);
  const between = c.r.chance(0.3) ? draw(clrex, c).word : asm('size:2 111 0 01 00 000000000000 rn:5 rt:5', { size: ld.f.size!, rn: ld.f.rn!, rt });
  return [ld.word, between, draw(storeExclusive, c, (f) => f.size === ld.f.size && !f.o1 && f.rn === ld.f.rn).word];
}
const group = (name: string, emit: (c: Ctx) => number[] | undefined, weight = 1) => ({ ...t(name, '0'.repeat(32)), emit, weight });
/** the templates of the exclusive-monitor unit (test/fuzz/isa/classes/index.ts) */
export const exclusiveMonitor = [loadExclusive, unpairedStore, clrex, group('LDXR_STXR', exclusivePair), group('LDXR_STXR_size', exclusiveOtherSize), group('LDXR_x_STXR', exclusiveBetween)];

// LD1–LD4 / ST1–ST4 (multiple structures), no offset or post-indexed by the size (rm = 31) or a register
const STRUCT: Record<number, number> = { 0: 4, 2: 4, 4: 3, 6: 3, 7: 1, 8: 2, 10: 2 }; // opcode → registers
const interleaved = (op: number) => op === 0 || op === 4 || op === 8;
const structMultiple = t('LDST_struct', '0 Q 001100 post L 0 rm:5 opcode:4 size:2 rn:5 rt:5', {
  draw: { ...base, rm: (c: Ctx, f: F) => (!f.post ? 0 : c.r.chance(0.6) ? 31 : indexReg(c)) },
  valid: (f) => STRUCT[f.opcode!] !== undefined && !(interleaved(f.opcode!) && f.size === 3 && !f.Q),
  mem: (f, c) => {
    const bytes = STRUCT[f.opcode!]! * (f.Q ? 16 : 8);
    const wb = !f.post ? 0 : f.rm === 31 ? bytes : Number(c.index.get(f.rm!)!);
    if (!Number.isSafeInteger(wb) || Math.abs(wb) > 4096) return undefined;
    return [{ base: f.rn!, offset: 0n, size: bytes, ...(wb ? { writeback: wb } : {}) }];
  },
  weight: 2,
});

export const ldstClass: FuzzClass = {
  name: 'ldst',
  templates: [unsignedImm, imm9, regOffset, pairs, literal, ordered, group('LDXR_STXR', exclusivePair, 2), structMultiple, unpairedStore],
  addr: { 27: SCRATCH + SCRATCH_SIZE / 2 },
  index: { 24: 0xdeadbeef00000040n, 25: 0x1f8n, 26: BigInt.asUintN(64, -0x88n) },
};
