// Advanced SIMD (Arm ARM C4.1.96).
import type { Row } from '../decoder.ts';

export const simdRows: Row[] = [];
