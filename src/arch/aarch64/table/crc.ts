// CRC32B/H/W/X and CRC32CB/H/W/X (FEAT_CRC32, Arm ARM C6.2.85-86): the row and its helper.
//
// The Arm ARM defines CRC32(acc, val) as BitReverse(Poly32Mod2(BitReverse(acc):Zeros(n) EOR
// BitReverse(val):Zeros(32), poly)): the reflected CRC update without pre- or post-inversion,
// i.e. what zlib's (0xEDB88320) and iSCSI's (0x82F63B78) bitwise loops do on (acc, data).
// The helpers run that update a byte at a time on one 64-bit register R = acc ^ data: R = (R >> 8)
// ^ T[R & 0xff], T folding into the low 32 bits. Data bits reach bit 0 only after 32 steps, so
// processing all n data bits at once is the same as word after word. T is linear over GF(2), so
// T[x] is the XOR of T[1 << i] for the set bits i of x: eight constants, each selected by a mask
// made from its bit (shift left, arithmetic shift right), instead of a 1 KiB table in memory
// (translated code has no memory of its own) — eight independent terms per byte instead of
// eight dependent bit steps.
import * as ir from '../../../wasm/ir.ts';
import { row, type Row } from '../decoder.ts';
import { Fn, L } from '../fp-ops.ts';
import { i32c, setW, wr, xr } from '../ops.ts';

const I32 = ir.i32, I64 = ir.i64;
/** the reflected polynomials: CRC-32 (0x04C11DB7) and CRC-32C (0x1EDC6F41) */
export const CRC_POLY = [0xedb88320, 0x82f63b78] as const;

/** T[1 << i]: the bitwise update of a byte with only bit i set */
function byteTerms(poly: number): number[] {
  return Array.from({ length: 8 }, (_, i) => {
    let c = 1 << i;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (c & 1 ? poly : 0);
    return c >>> 0;
  });
}

/** crc32_<c>(acc i32, data i64, nbytes i32) → i32 for polynomial CRC_POLY[c] */
function crcStep(c: 0 | 1) {
  const terms = byteTerms(CRC_POLY[c]);
  return (m: ir.Module, name: string): void => {
    const fn = new Fn(m, [I32, I64, I32]), r = fn.local(I64), n = fn.local(I32);
    const i64 = m.i64;
    // the XOR of T[1 << i] over the set bits i of R's low byte, as a balanced tree
    const term = (i: number) => i64.and(i64.shr_s(i64.shl(r.get(), L(m, 63 - i)), L(m, 63)), L(m, terms[i]!));
    const tree = (lo: number, hi: number): ir.ExpressionRef => (hi - lo === 1 ? term(lo) : i64.xor(tree(lo, (lo + hi) >> 1), tree((lo + hi) >> 1, hi)));
    fn.add(name, I32, [
      r.set(i64.xor(i64.extend_u(fn.p(0)), fn.p(1))),
      n.set(fn.p(2)),
      m.loop('crc', m.block(null, [
        r.set(i64.xor(i64.shr_u(r.get(), L(m, 8)), tree(0, 8))),
        m.br('crc', m.i32.ne(n.tee(m.i32.sub(n.get(), m.i32.const(1))), m.i32.const(0))),
      ])),
      m.i32.wrap(r.get()),
    ]);
  };
}

export const crcHelpers: Record<string, (m: ir.Module, name: string) => void> = { crc32_0: crcStep(0), crc32_1: crcStep(1) };

/** the data operand: the low 8/16/32 bits of Wm, or Xm */
const SIZES = [8, 16, 32, 64] as const;

// sf must be 1 exactly for the X form (sz = 11): the other combinations are unallocated
export const crcRows: Row[] = [
  row('CRC32', 'sf 0 0 11010110 rm:5 010 C sz:2 rn:5 rd:5', (f, b) => {
    const m = b.m, bits = SIZES[f.sz!]!;
    const data = bits === 64 ? xr(b, f.rm!) : m.i64.extend_u(bits === 32 ? wr(b, f.rm!) : m.i32.and(wr(b, f.rm!), i32c(b, (1 << bits) - 1)));
    setW(b, f.rd!, m.call(b.helper(`crc32_${f.C!}`), [wr(b, f.rn!), data, i32c(b, bits / 8)], I32));
  }, { guard: (f) => (f.sz === 3) === (f.sf === 1) }),
];
