// Declarative A64 decoder: each row is one encoding written MSB → LSB as in the Arm ARM,
// with named fields; the matcher is built once from the rows (mask/value pairs, bucketed
// by the op0 bits [28:25] that the architecture itself uses for its top-level split).
import type { Sem, FlowFn } from './row-types.ts';
import { objects } from '../../lift/arrays.ts';

export type Fields = Record<string, number>;

interface FieldSpec { name: string; lsb: number; width: number; signed: boolean }

export interface Row {
  name: string;
  mask: number;
  value: number;
  fields: FieldSpec[];
  /** semantics: emits code through the builder; for branches returns the condition/target */
  sem: Sem;
  /** control-flow effect (default: falls through) */
  flow?: FlowFn;
  /** extra constraint on field values (reserved/unallocated combinations fail it) */
  guard?: (f: Fields) => boolean;
}

export interface RowOptions { flow?: FlowFn; guard?: (f: Fields) => boolean }

/**
 * `pattern` tokens, MSB first: runs of `0`/`1`/`-` (fixed or don't-care bits), `name:N`
 * (unsigned N-bit field), `name:sN` (signed), or a bare `name` (1-bit field).
 */
export function row(name: string, pattern: string, sem: Sem, opts: RowOptions = {}): Row {
  let bit = 32, mask = 0, value = 0;
  const fields: FieldSpec[] = [];
  for (const tok of pattern.trim().split(/\s+/)) {
    if (/^[01-]+$/.test(tok)) {
      for (const ch of tok) {
        bit--;
        if (ch !== '-') { mask |= 1 << bit; if (ch === '1') value |= 1 << bit; }
      }
      continue;
    }
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(?::(s?)(\d+))?$/.exec(tok);
    if (!m) throw new Error(`decoder row ${name}: bad token '${tok}'`);
    const width = m[3] ? Number(m[3]) : 1;
    bit -= width;
    fields.push({ name: m[1]!, lsb: bit, width, signed: m[2] === 's' });
  }
  if (bit !== 0) throw new Error(`decoder row ${name}: pattern has ${32 - bit} bits, not 32`);
  return { name, mask: mask >>> 0, value: value >>> 0, fields, sem, flow: opts.flow, guard: opts.guard };
}

export function extractFields(r: Row, word: number): Fields {
  const f: Fields = {};
  for (let k = 0; k < r.fields.length; k++) {
    const s = r.fields[k]!;
    let v = s.width === 32 ? word >>> 0 : (word >>> s.lsb) & ((1 << s.width) - 1);
    // sign extension by shifts: `v - 2 ** width` would make a boxed double of a negative field
    // (and of every branch target computed from it) in the engine's unoptimised tiers
    if (s.signed) v = (v << (32 - s.width)) >> (32 - s.width);
    f[s.name] = v;
  }
  return f;
}

export interface Decoded { row: Row; f: Fields }

/** Builds the matcher. Earlier rows win, so specific encodings go before general ones. */
export function buildDecoder(rows: Row[]): (word: number) => Decoded | undefined {
  // objects(): an empty bucket then has the others' hidden class (a literal's would be another,
  // and the matcher, optimised for one, was compiled again when a word hit it)
  const buckets: Row[][] = Array.from({ length: 16 }, () => objects<Row>());
  for (const r of rows) {
    const bm = (r.mask >>> 25) & 0xf, bv = (r.value >>> 25) & 0xf;
    for (let op0 = 0; op0 < 16; op0++) if ((op0 & bm) === bv) buckets[op0]!.push(r);
  }
  return (word) => {
    word >>>= 0;
    // indexed: decoding runs mostly in the engine's baseline tier, where for-of allocates per row tried
    const bucket = buckets[(word >>> 25) & 0xf]!;
    for (let k = 0; k < bucket.length; k++) {
      const r = bucket[k]!;
      if (((word & r.mask) >>> 0) !== r.value) continue;
      const f = extractFields(r, word);
      if (r.guard && !r.guard(f)) continue;
      return { row: r, f };
    }
    return undefined;
  };
}
