// Scalar floating point (Arm ARM C4.1.96): filled in by the FP issue; startup code needs only moves.
import type { Row } from '../decoder.ts';

export const fpRows: Row[] = [];
