// LSE atomics (FEAT_LSE): LDADD/LDCLR/LDEOR/LDSET/LD{S,U}{MAX,MIN} and SWP with acquire/release
// variants, CAS and CASP (also after an LDP of the pair it compares, so that it stores); LDAPR
// (FEAT_LRCPC) and LDAPUR/STLUR (FEAT_LRCPC2). Naturally aligned accesses through base registers
// x24–x27, which point at differently aligned scratch words.
import { SCRATCH } from '../program.ts';
import { addrReg, draw, type FuzzClass } from '../generate.ts';
import { asm, t, type Ctx, type F } from '../template.ts';

const base = { rn: addrReg };
const at = (f: F, bytes: number) => [{ base: f.rn!, offset: 0n, size: bytes, align: bytes }];
const even = (r: number) => r % 2 === 0 && r !== 30; // CASP register pairs: even, and not (x30, x31)

const casp = t('CASP', '0 sz 001000 0 L 1 rs:5 o0 11111 rn:5 rt:5', {
  draw: base, valid: (f) => even(f.rs!) && even(f.rt!), writes: (f) => (f.rs === 28 ? [] : ['rs']),
  mem: (f) => at(f, 8 << f.sz!), weight: 2,
});
/** LDP of the compared pair from the same address, then CASP: the comparison succeeds and stores */
const caspHit = (c: Ctx): number[] | undefined => {
  if (c.length - c.pos < 2) return undefined;
  const { word, f } = draw(casp, c);
  return [asm('opc:2 1010010 1 imm7:7 rt2:5 rn:5 rt:5', { opc: f.sz ? 2 : 0, rt2: f.rs! + 1, rn: f.rn!, rt: f.rs! }), word];
};

export const atomicClass: FuzzClass = {
  name: 'atomic',
  addr: { 24: SCRATCH + 0x100, 25: SCRATCH + 0x208, 26: SCRATCH + 0x30c, 27: SCRATCH + 0x1ff0 },
  templates: [
    // o3:opc = 0:000..111 LDADD LDCLR LDEOR LDSET LDSMAX LDSMIN LDUMAX LDUMIN, 1:000 SWP, 1:100 LDAPR (A=1 R=0 Rs=11111)
    t('LD_op', 'size:2 111 0 00 A R 1 rs:5 o3 opc:3 00 rn:5 rt:5', {
      draw: base, valid: (f) => !f.o3 || f.opc === 0, w: ['rt'], mem: (f) => at(f, 1 << f.size!), weight: 6,
    }),
    t('LDAPR', 'size:2 111 0 00 1 0 1 11111 1 100 00 rn:5 rt:5', { draw: base, w: ['rt'], mem: (f) => at(f, 1 << f.size!) }),
    t('CAS', 'size:2 001000 1 L 1 rs:5 o0 11111 rn:5 rt:5', { draw: base, w: ['rs'], mem: (f) => at(f, 1 << f.size!), weight: 2 }),
    casp,
    { ...t('LDP_CASP', '0'.repeat(32)), emit: caspHit },
    // LDAPUR/STLUR: opc 00 STLUR, 01 LDAPUR, 10 LDAPURS to 64 bits (not for size 11), 11 to 32 (sizes 00/01)
    t('LDAPUR_STLUR', 'size:2 011001 opc:2 0 imm9:9 00 rn:5 rt:5', {
      draw: base, valid: (f) => f.opc! < 2 || (f.opc === 2 ? f.size! < 3 : f.size! < 2),
      writes: (f) => (f.opc ? ['rt'] : []),
      mem: (f) => [{ base: f.rn!, offset: BigInt.asIntN(9, BigInt(f.imm9!)), size: 1 << f.size!, align: 1 << f.size! }],
    }),
  ],
};
