// Instruction templates for the random-instruction fuzzer: an encoding pattern in the decoder's
// syntax (src/arch/aarch64/decoder.ts `row`, MSB → LSB, named fields), which field values are
// architecturally valid, which general registers the instruction writes, and for loads/stores
// where it points. The generator (generate.ts) draws random fields until a template's
// constraints hold, so every drawn word is an allocated encoding with defined behaviour.
import { row } from '../../../src/arch/aarch64/decoder.ts';
import type { prng } from '../gen.ts';

export type Prng = ReturnType<typeof prng>;

export type F = Record<string, number>;

/** One memory access of a load/store: `f[base]`'s register plus `offset` (bytes, index included). */
export interface Access {
  base: number;
  offset: bigint;
  size: number;
  /** the access must be naturally aligned to `align` bytes (exclusives, acquire/release, atomics) */
  align?: number;
  /** added to the base register after the access (pre/post-index writeback) */
  writeback?: number;
}

/** What the generator knows while drawing: the position, and the values of reserved registers. */
export interface Ctx {
  r: Prng;
  /** words emitted so far in the sequence, and how many the sequence has */
  pos: number;
  length: number;
  /** address registers (x-number, 31 = SP) → their current value (guest address) */
  addr: Map<number, number>;
  /** index registers → their (fixed) 64-bit value */
  index: Map<number, bigint>;
  /** general registers random instructions must not write */
  reserved: Set<number>;
  /** word positions some branch targets, and positions no branch may target (inside a multi-word group) */
  targets: Set<number>;
  interior: Set<number>;
}

export interface Template {
  name: string;
  mask: number;
  value: number;
  fields: { name: string; lsb: number; width: number; signed: boolean }[];
  /** field values that are unallocated or UNPREDICTABLE fail this */
  valid?: (f: F) => boolean;
  /** general registers written: field names, `!` suffix when 31 means SP there (never written) */
  writes?: (f: F) => string[];
  /** field samplers that replace the uniform default (register choices, small immediates) */
  draw?: Record<string, (c: Ctx, f: F) => number>;
  /** the accesses of a load/store (the generator keeps them inside the scratch areas) */
  mem?: (f: F, c: Ctx) => Access[] | undefined;
  /** a forward branch: the field holding the word offset (the generator picks a target in the sequence) */
  branch?: string;
  /** several words instead of one (e.g. adr + br); receives the words still allowed after it */
  emit?: (c: Ctx) => number[] | undefined;
  /** an extension not implemented yet by the translator (its own fuzz class, an expected failure) */
  ext?: string;
  weight?: number;
}

export type TemplateOptions = Omit<Template, 'name' | 'mask' | 'value' | 'fields'> & {
  /** shorthand for `writes`: a fixed list of field names */
  w?: string[];
};

export function t(name: string, pattern: string, opts: TemplateOptions = {}): Template {
  const r = row(name, pattern, () => {});
  const { w, ...rest } = opts;
  return { name, mask: r.mask, value: r.value, fields: r.fields, ...(w && !rest.writes ? { writes: () => w } : {}), ...rest };
}

/** The word for field values `f` (fields missing from `f` are 0). */
export function encode(tp: Pick<Template, 'value' | 'fields' | 'name'>, f: F): number {
  let word = tp.value;
  for (const s of tp.fields) {
    const v = f[s.name] ?? 0;
    const m = s.width === 32 ? 0xffffffff : (1 << s.width) - 1;
    word |= (v & m) << s.lsb;
  }
  return word >>> 0;
}

/** Encodes a fixed instruction (prologue, epilogue) from a pattern and its fields. */
export function asm(pattern: string, f: F = {}): number {
  return encode(t('fixed', pattern), f);
}
