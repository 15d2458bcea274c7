// A seeded generator of random small AArch64 programs whose control flow is the point: functions
// of branches, conditional branches (b.cond, cbz/cbnz, tbz/tbnz) to every nearby target including
// the next instruction, counted loops (backward branches), jump tables of every shape gcc emits
// (ldrb/ldrh/ldrsh/ldrsw offsets scaled or not, relative to a code label or to the table, absolute
// pointers; tables in .rodata or inline in .text), direct and indirect calls, tail calls, early
// returns, computed gotos, and flag-setting / conditional-select arithmetic in between.
//
// Every program terminates: branches go forward except loop back-edges, and a loop's back-edge
// decrements its own counter (reset only by the loop's own initialisation, which sits before the
// loop's first instruction) and is taken only while the counter is positive; calls only go to
// functions with a higher number. _start seeds x0..x15, calls f0, then prints x0..x15, the path
// hash x19 (positions add their number and rotate; functions add their final flags) and a zero
// (reserved) as hex lines
// on stdout with write(2), and exits with a status derived from them.

export interface GenOptions {
  /** number of functions (default 1..4) */
  functions?: number;
  /** items per function (default 6..36) */
  items?: number;
  /**
   * Let code read NZCV set before an indirect branch (`br`) at the branch's target (default false:
   * a target of a jump table or computed goto defines the flags first, as compiled code does).
   * Architecturally the flags survive a `br`; the translator's treatment differs (see the issue 7 report).
   */
  strictFlags?: boolean;
}

/** mulberry32: small, fast, seeded. */
export function prng(seed: number): { next(): number; int(n: number): number; pick<T>(a: readonly T[]): T; chance(p: number): boolean } {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (a) => a[int(a.length)]!, chance: (p) => next() < p };
}

const CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al'] as const;
const LOGIMM = ['0x1', '0x3', '0xf', '0xff', '0xf0', '0xff00', '0x8000000000000000', '0x7ffffffffffffffe', '0x5555555555555555'];
const LOOP_COUNTERS = ['x21', 'x22', 'x23', 'x24'];

type R = ReturnType<typeof prng>;

const xr = (r: R): string => `x${r.int(16)}`;
const wr = (r: R): string => `w${r.int(16)}`;

/** One random data-processing instruction (or a balanced push/pop) on x0..x15. */
function alu(r: R): string[] {
  const d = r.int(16), n = r.int(16), m = r.int(16), a = r.int(16);
  const c = r.pick(CONDS);
  switch (r.int(30)) {
    case 0: return [`add x${d}, x${n}, x${m}`];
    case 1: return [`sub x${d}, x${n}, x${m}`];
    case 2: return [`eor x${d}, x${n}, x${m}, lsl #${r.int(64)}`];
    case 3: return [`orr w${d}, w${n}, w${m}`];
    case 4: return [`and x${d}, x${n}, #${r.pick(LOGIMM)}`];
    case 5: return [`add x${d}, x${n}, #${r.int(4096)}`];
    case 6: return [`subs x${d}, x${n}, #${r.int(4096)}`];
    case 7: return [`adds w${d}, w${n}, w${m}`];
    case 8: return [`cmp x${n}, x${m}`];
    case 9: return [`cmp w${n}, #${r.int(64)}`];
    case 10: return [`cmn x${n}, #${r.int(4096)}`];
    case 11: return [`tst x${n}, #${r.pick(LOGIMM)}`];
    case 12: return [`ccmp x${n}, x${m}, #${r.int(16)}, ${c}`];
    case 13: return [`ccmp w${n}, #${r.int(32)}, #${r.int(16)}, ${c}`];
    case 14: return [`csel x${d}, x${n}, x${m}, ${c}`];
    case 15: return [`csinc w${d}, w${n}, w${m}, ${c}`];
    case 16: return [`csneg x${d}, x${n}, x${m}, ${c}`];
    case 17: return [`cset x${d}, ${c === 'al' ? 'eq' : c}`];
    case 18: return [`${r.pick(['lsl', 'lsr', 'asr', 'ror'])} x${d}, x${n}, #${r.int(64)}`];
    case 19: return [`mul x${d}, x${n}, x${m}`];
    case 20: return [`madd x${d}, x${n}, x${m}, x${a}`];
    case 21: return [`${r.pick(['udiv', 'sdiv'])} x${d}, x${n}, x${m}`];
    case 22: { const lsb = r.int(63); return [`${r.pick(['ubfx', 'sbfx'])} x${d}, x${n}, #${lsb}, #${1 + r.int(64 - lsb)}`]; }
    case 23: return [`${r.pick(['clz', 'rev', 'rbit', 'cls'])} x${d}, x${n}`];
    case 24: return [`mov x${d}, #${r.int(65536)}`];
    case 25: return [`movk x${d}, #${r.int(65536)}, lsl #${16 * r.int(4)}`];
    case 26: return [`${r.pick(['adc', 'sbc', 'adcs', 'sbcs'])} x${d}, x${n}, x${m}`];
    case 27: return [`${r.pick(['neg', 'mvn'])} x${d}, x${n}`];
    case 28: return [`str x${n}, [sp, #-16]!`, `ldr x${d}, [sp], #16`];
    default: return [`cinc x${d}, x${n}, ${c === 'al' ? 'ne' : c}`];
  }
}

interface Fn { index: number; items: string[][] }

export function generate(seed: number, opts: GenOptions = {}): string {
  const r = prng(seed);
  const nf = opts.functions ?? 1 + r.int(4);
  const rodata: string[] = [];
  const fns: Fn[] = [];
  let tableNo = 0;

  for (let f = 0; f < nf; f++) {
    const n = opts.items ?? 6 + r.int(31);
    const L = (i: number): string => `.Lf${f}_${i}`; // L(n) is the epilogue
    const fwd = (i: number): number => i + 1 + r.int(Math.min(n - i, 8)); // a nearby later item (or the end)
    const far = (i: number): number => i + 1 + r.int(n - i);
    const target = (i: number): number => (r.chance(0.7) ? fwd(i) : far(i));
    const items: string[][] = [];
    const indirectTargets = new Set<number>();
    const epilogue = ['ldp x21, x22, [sp, #16]', 'ldp x23, x24, [sp, #32]', 'ldp x29, x30, [sp], #64'];
    for (let i = 0; i < n; i++) {
      const it: string[] = [];
      if (!opts.strictFlags && indirectTargets.has(i)) it.push(`cmp x${r.int(16)}, x${r.int(16)}`);
      if (r.chance(0.5)) it.push(`add x19, x19, #${(f * 64 + i) & 4095}`, 'ror x19, x19, #61');
      const kind = r.int(100);
      if (kind < 40) {
        for (let k = 1 + r.int(3); k > 0; k--) it.push(...alu(r));
      } else if (kind < 50) {
        it.push(`b.${r.pick(CONDS)} ${L(target(i))}`);
      } else if (kind < 56) {
        it.push(`${r.pick(['cbz', 'cbnz'])} ${r.chance(0.5) ? xr(r) : wr(r)}, ${L(target(i))}`);
      } else if (kind < 62) {
        const x = r.chance(0.6);
        it.push(`${r.pick(['tbz', 'tbnz'])} ${x ? xr(r) : wr(r)}, #${r.int(x ? 64 : 32)}, ${L(target(i))}`);
      } else if (kind < 65) {
        it.push(`b ${L(target(i))}`);
      } else if (kind < 68) {
        // a conditional branch to the very next instruction, in the middle of an item
        const lbl = `.Lf${f}_${i}_next`;
        it.push(...alu(r), `${r.pick(['cbz x3', 'cbnz w5', 'tbz x7, #0', 'tbnz x2, #63', 'b.eq', 'b.ne', 'b.hi'])}, ${lbl}`.replace(/^(b\.\w+), /, '$1 '), `${lbl}:`, ...alu(r));
      } else if (kind < 78) {
        it.push(...jumpTable(r, f, i, n, L, far, indirectTargets));
      } else if (kind < 85 && f + 1 < nf) {
        const callee = `f${f + 1 + r.int(nf - f - 1)}`;
        const how = r.int(10);
        // NZCV is not preserved across calls (AAPCS64) and compiled code never reads it after one, so
        // the translator may treat it as dead there: define it again after the call
        if (how < 6) it.push(`bl ${callee}`, `cmp x${r.int(16)}, x${r.int(16)}`);
        else if (how < 8) it.push(`adr x16, ${callee}`, 'blr x16', `cmp x${r.int(16)}, x${r.int(16)}`);
        else it.push(...epilogue, `b ${callee}`); // tail call
      } else if (kind < 88) {
        it.push(...epilogue, 'ret'); // early return
      } else if (kind < 91) {
        const k = target(i);
        indirectTargets.add(k);
        it.push(`adr x17, ${L(k)}`, 'br x17'); // a computed goto with one target
      } else {
        it.push(...alu(r));
      }
      items.push(it);
    }
    // loops: a counter initialised just before the body's first item, a back-edge after its last
    const loops = r.int(3);
    const inits = new Map<number, string[]>(); // before item i
    const backs = new Map<number, string[]>(); // after item i
    for (let l = 0; l < loops && n > 2; l++) {
      const s = 1 + r.int(n - 1);
      const e = s + r.int(Math.min(n - s, 10));
      const ctr = LOOP_COUNTERS[l]!;
      const count = 1 + r.int(4);
      (inits.get(s) ?? inits.set(s, []).get(s)!).push(`mov ${ctr}, #${count}`);
      const back = r.int(3);
      const code =
        back === 0 ? [`subs ${ctr}, ${ctr}, #1`, `b.gt .Lf${f}_loop${l}`]
        : back === 1 ? [`sub ${ctr}, ${ctr}, #1`, `tbz ${ctr}, #63, .Lf${f}_loop${l}`]
        : [`sub ${ctr}, ${ctr}, #1`, `cmp ${ctr}, #0`, `b.ge .Lf${f}_loop${l}`];
      (backs.get(e) ?? backs.set(e, []).get(e)!).push(...code);
      items[s]!.unshift(`.Lf${f}_loop${l}:`);
    }
    const body: string[] = [];
    for (let i = 0; i < n; i++) {
      body.push(...(inits.get(i) ?? []), `${L(i)}:`, ...items[i]!, ...(backs.get(i) ?? []));
    }
    fns.push({ index: f, items: [[
      `f${f}:`,
      'stp x29, x30, [sp, #-64]!', 'mov x29, sp', 'stp x21, x22, [sp, #16]', 'stp x23, x24, [sp, #32]',
      'mov x21, #0', 'mov x22, #0', 'mov x23, #0', 'mov x24, #0',
      `cmp x${r.int(16)}, x${r.int(16)}`, // flags on entry are the caller's: define them (see calls)
      ...body,
      `${L(n)}:`,
      ...(!opts.strictFlags && indirectTargets.has(n) ? [`cmp x${r.int(16)}, x${r.int(16)}`] : []),
      // fold this function's final flags into the path hash (flags do not survive the return)
      'cset w17, mi', 'add x19, x19, x17', 'cset w17, eq', 'add x19, x19, x17, lsl #1',
      'cset w17, cs', 'add x19, x19, x17, lsl #2', 'cset w17, vs', 'add x19, x19, x17, lsl #3',
      ...epilogue, 'ret',
    ]] });
  }

  function jumpTable(r: R, f: number, i: number, n: number, L: (i: number) => string, far: (i: number) => number, indirectTargets: Set<number>): string[] {
    const t = tableNo++;
    const tbl = `.Ltbl${t}`;
    const size = 2 + r.int(9);
    const shape = r.int(6);
    const targets = Array.from({ length: size }, () => (r.chance(0.2) ? i + 1 : far(i)));
    const dflt = L(far(i));
    const idx = r.int(16);
    const code: string[] = [];
    if (r.chance(0.5)) {
      code.push(`cmp w${idx}, #${size - 1}`, `b.hi ${dflt}`, `mov w16, w${idx}`);
    } else {
      // mask to the next power of two, then bound
      code.push(`and w16, w${idx}, #15`, `cmp w16, #${size - 1}`, `b.hi ${dflt}`);
    }
    const base = `.Ljt${t}_base`;
    const inline = r.chance(0.25); // the table in .text right after the br (hand-written style)
    let entries: string[];
    let dir: string;
    if (shape <= 1) for (let k = 0; k < size; k++) targets[k] = Math.min(targets[k]!, i + 1 + r.int(Math.min(n - i, 4))); // bytes reach less far
    for (const k of targets) indirectTargets.add(k);
    if (shape === 0) { // unsigned bytes, scaled, from a label after the br
      code.push(`adr x17, ${tbl}`, 'ldrb w16, [x17, w16, uxtw]', `adr x17, ${base}`, 'add x16, x17, w16, uxtb #2', 'br x16');
      dir = '.byte'; entries = targets.map((k) => `(${L(k)} - ${base}) / 4`);
    } else if (shape === 1) { // signed bytes, scaled (gcc's sxtb #2)
      code.push(`adr x17, ${tbl}`, 'ldrb w16, [x17, w16, uxtw]', `adr x17, ${base}`, 'add x16, x17, w16, sxtb #2', 'br x16');
      dir = '.byte'; entries = targets.map((k) => `(${L(k)} - ${base}) / 4`);
    } else if (shape === 2) { // unsigned halfwords, scaled
      code.push(`adr x17, ${tbl}`, 'ldrh w16, [x17, w16, uxtw #1]', `adr x17, ${base}`, 'add x16, x17, w16, uxth #2', 'br x16');
      dir = '.hword'; entries = targets.map((k) => `(${L(k)} - ${base}) / 4`);
    } else if (shape === 3) { // signed halfwords from the function's end (negative offsets)
      code.push(`adr x17, ${tbl}`, 'ldrsh x16, [x17, w16, uxtw #1]', `adr x17, ${L(n)}`, 'add x16, x17, x16, lsl #2', 'br x16');
      dir = '.hword'; entries = targets.map((k) => `(${L(k)} - ${L(n)}) / 4`);
    } else if (shape === 4) { // signed words relative to the table, unscaled
      code.push(r.chance(0.5) ? `adr x17, ${tbl}` : `adrp x17, ${tbl}\n  add x17, x17, :lo12:${tbl}`, 'ldrsw x16, [x17, w16, uxtw #2]', 'add x16, x17, x16', 'br x16');
      dir = '.word'; entries = targets.map((k) => `${L(k)} - ${tbl}`);
    } else { // absolute pointers
      code.push(`adrp x17, ${tbl}`, `add x17, x17, :lo12:${tbl}`, 'ldr x16, [x17, w16, uxtw #3]', 'br x16');
      dir = '.quad'; entries = targets.map((k) => L(k));
    }
    const align = dir === '.quad' ? 3 : 2;
    const data = [`.balign ${1 << align}`, `${tbl}:`, ...entries.map((e) => `${dir} ${e}`)];
    if (inline && shape !== 5) code.push(...data, '.balign 4');
    else rodata.push(...data);
    code.push(`${base}:`);
    return code;
  }

  const seedRegs: string[] = [];
  for (let k = 0; k < 16; k++) {
    const v = [r.int(65536), r.int(65536), r.int(65536), r.int(65536)];
    if (r.chance(0.2)) v[3] = v[2] = 0; // some small values, some zero
    if (r.chance(0.1)) v.fill(0);
    seedRegs.push(`movz x${k}, #${v[0]}`, `movk x${k}, #${v[1]}, lsl #16`, `movk x${k}, #${v[2]}, lsl #32`, `movk x${k}, #${v[3]}, lsl #48`);
  }
  const start = [
    '.text', '.global _start', '_start:',
    ...seedRegs,
    'mov x19, #0', 'cmp x0, x0',
    'bl f0',
    // save x0..x15, x19 and the path length to regs[]
    'adrp x20, steps', 'ldr x20, [x20, :lo12:steps]',
    'adrp x16, regs', 'add x16, x16, :lo12:regs',
    ...Array.from({ length: 8 }, (_, k) => `stp x${2 * k}, x${2 * k + 1}, [x16, #${16 * k}]`),
    'stp x19, x20, [x16, #128]',
    // hex: 18 lines of 16 digits
    'mov x20, x16', 'mov x21, #18', 'adrp x22, text', 'add x22, x22, :lo12:text',
    '.Lhex:', 'ldr x23, [x20], #8', 'mov x24, #16',
    '.Lnib:', 'ror x23, x23, #60', 'and x25, x23, #0xf', 'add x26, x25, #48', 'add x27, x25, #87', 'cmp x25, #10',
    'csel x26, x26, x27, lo', 'strb w26, [x22], #1', 'subs x24, x24, #1', 'b.ne .Lnib',
    'mov w26, #10', 'strb w26, [x22], #1', 'subs x21, x21, #1', 'b.ne .Lhex',
    'mov x0, #1', 'adrp x1, text', 'add x1, x1, :lo12:text', 'mov x2, #(18 * 17)', 'mov x8, #64', 'svc #0',
    // exit status from the results
    'ldr x0, [x16]', 'ldr x1, [x16, #128]', 'eor x0, x0, x1', 'eor x0, x0, x0, lsr #32', 'eor x0, x0, x0, lsr #16',
    'eor x0, x0, x0, lsr #8', 'and x0, x0, #0x7f', 'mov x8, #94', 'svc #0',
  ];
  const lines = [`// fuzz-cfg seed ${seed}`, ...start];
  for (const fn of fns) lines.push('', ...fn.items.flat());
  lines.push('', '.section .rodata', ...rodata, '', '.bss', '.balign 8', 'steps: .skip 8', 'regs: .skip 144', 'text: .skip 320', '');
  return lines.map((l) => (l.endsWith(':') || l.startsWith('.') || l.startsWith('//') || l === '' ? l : `  ${l}`)).join('\n');
}
