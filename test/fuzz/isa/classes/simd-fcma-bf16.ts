// Complex arithmetic (FEAT_FCMA: FCADD, FCMLA by vector and by element; half, single and double
// lanes) and BFloat16 (FEAT_BF16: BFCVT, BFCVTN/BFCVTN2, BFDOT and BFMLALB/BFMLALT by vector and by
// element, BFMMLA): a class of their own, so that long runs draw them densely and simd-fp's
// sequences stay what they were. FP values as simd-fp has them (BFloat16 operands: the top halves
// of its singles and doubles, its halves' bits); half the sequences compare FPSR, and the
// simd-fcma-bf16-fpcr unit runs them all under random FPCR values (BFDOT and BFMMLA ignore them).
import type { FuzzClass } from '../generate.ts';
import { t, type F } from '../template.ts';

/** H (FEAT_FP16), S, or D with 128-bit vectors */
const sizeOk = (f: F) => f.size !== 0 && !(f.size === 3 && !f.Q);

export const simdFcmaBf16Class: FuzzClass = {
  name: 'simd-fcma-bf16',
  fpValues: true,
  strictFp: true,
  templates: [
    t('FCADD', '0 Q 1 01110 size:2 0 rm:5 1 11 rot 0 1 rn:5 rd:5', { valid: sizeOk, weight: 2 }),
    t('FCMLA', '0 Q 1 01110 size:2 0 rm:5 1 10 rot:2 1 rn:5 rd:5', { valid: sizeOk, weight: 3 }),
    // by element: halves' pair H:L (H = 0 in 64-bit vectors), singles' pair H (128-bit only); Vm is M:Rm
    t('FCMLA_elem_H', '0 Q 1 01111 01 L rm:5 0 rot:2 1 H 0 rn:5 rd:5', { valid: (f) => !(f.H && !f.Q) }),
    t('FCMLA_elem_S', '0 1 1 01111 10 0 rm:5 0 rot:2 1 H 0 rn:5 rd:5'),
    t('BFCVT', '000 11110 01 1 000110 10000 rn:5 rd:5'),
    t('BFCVTN', '0 Q 0 01110 10 10000 10110 10 rn:5 rd:5'), // Q: BFCVTN2
    t('BFDOT', '0 Q 1 01110 01 0 rm:5 1 1111 1 rn:5 rd:5', { weight: 2 }),
    t('BFDOT_elem', '0 Q 0 01111 01 L rm:5 1111 H 0 rn:5 rd:5'),
    t('BFMLAL', '0 T 1 01110 11 0 rm:5 1 1111 1 rn:5 rd:5'), // T: BFMLALT
    t('BFMLAL_elem', '0 T 0 01111 11 L M rm:4 1111 H 0 rn:5 rd:5'),
    t('BFMMLA', '0 1 1 01110 01 0 rm:5 1 1101 1 rn:5 rd:5', { weight: 2 }),
  ],
};
