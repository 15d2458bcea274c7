// FRECPE, FRSQRTE, FRECPX, FRECPS, FRSQRTS on single and double lanes, scalar and vector (4S, 2S,
// 2D), and URECPE/URSQRTE on 32-bit integer lanes. Every lane goes through a helper of
// fp-estimate.ts (the FP ones honour FPCR and raise the FPSR flags). The half-precision forms
// (FEAT_FP16) are rows of simd-fp16.ts and simd-fp16-misc.ts.
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder } from '../../../lift/types.ts';
import { type Form, I64, lane, mapLanes, vget, vtmp, writeForm } from '../simd-ops.ts';

/** the lanes of Vn (and Vm) through helper `fpe_<op>_<s|d>` */
function lanes(b: Builder, f: Fields, op: string, scalar: boolean, two: boolean): void {
  const e = f.sz ? 64 : 32, form: Form = { q: scalar ? 0 : f.Q!, esize: e, scalar };
  const count = scalar ? 1 : (f.Q ? 128 : 64) / e;
  const x = vtmp(b, vget(b, f.rn!)()), y = two ? vtmp(b, vget(b, f.rm!)()) : undefined;
  const id = b.helper(`fpe_${op}_${e === 64 ? 'd' : 's'}`);
  const v = mapLanes(b, e, count, (i) => b.m.call(id, y ? [lane(b, x(), e, i), lane(b, y(), e, i)] : [lane(b, x(), e, i)], I64));
  writeForm(b, f.rd!, v, form);
}

const vectorForm = (f: Fields) => !(f.sz === 1 && f.Q === 0);

export const estimateRows: Row[] = [
  // U: 0 FRECPE, 1 FRSQRTE
  row('FRECPE_v', '0 Q U 01110 1 sz 10000 11101 10 rn:5 rd:5', (f, b) => lanes(b, f, f.U ? 'rsqrte' : 'recpe', false, false), { guard: vectorForm }),
  row('FRECPE_s', '01 U 11110 1 sz 10000 11101 10 rn:5 rd:5', (f, b) => lanes(b, f, f.U ? 'rsqrte' : 'recpe', true, false)),
  // URECPE / URSQRTE (U): 32-bit unsigned fixed-point lanes, 2S and 4S only
  row('URECPE', '0 Q U 01110 1 0 10000 11100 10 rn:5 rd:5', (f, b) => lanes(b, f, f.U ? 'ursqrte' : 'urecpe', false, false)),
  row('FRECPX', '01 0 11110 1 sz 10000 11111 10 rn:5 rd:5', (f, b) => lanes(b, f, 'recpx', true, false)),
  // o: 0 FRECPS, 1 FRSQRTS
  row('FRECPS_v', '0 Q 0 01110 o sz 1 rm:5 11111 1 rn:5 rd:5', (f, b) => lanes(b, f, f.o ? 'rsqrts' : 'recps', false, true), { guard: vectorForm }),
  row('FRECPS_s', '01 0 11110 o sz 1 rm:5 11111 1 rn:5 rd:5', (f, b) => lanes(b, f, f.o ? 'rsqrts' : 'recps', true, true)),
];
