// One A64 instruction lifted by the real semantics into a Wasm function and run on a register
// state: the harness the FP/SIMD unit tests compare against reference values and qemu.
import binaryen from 'binaryen';
import * as ir from '../../src/wasm/ir.ts';
import { WasmBuilder } from '../../src/wasm/builder.ts';
import { optimizeBinary, useOptimizer } from '../../src/wasm/optimize.ts';
import { decode } from '../../src/arch/aarch64/index.ts';
import { helpers } from '../../src/arch/aarch64/helpers.ts';
import type { A64Insn } from '../../src/arch/aarch64/row-types.ts';
import { helperId, type Builder, type Expr } from '../../src/lift/types.ts';
import { STATE } from '../../src/runtime/layout.ts';

const I32 = ir.i32, I64 = ir.i64, V128 = ir.v128;
export const FEATURES = ir.Features.MVP | ir.Features.SIMD128 | ir.Features.SignExt | ir.Features.NontrappingFPToInt
  | ir.Features.BulkMemory | ir.Features.MutableGlobals;

// One lifted instruction in a Wasm function: registers at 16·r (x0..x30, sp, n z c v, v0..v31),
// the FP state words where the translator keeps them (STATE.fpcr, fpsr, fpStrict).

const NREGS = 68, VREG = 36, FLAG_N = 32;
/** fpcr/fpsr/strict are written only when fpcr is given (strict then defaults to on) */
/** what a run returns: the state after the instruction, FPSR always read back */
export type Ran = State & { fpsr: number };

export interface State { x: bigint[]; v: bigint[]; nzcv: number; fpcr?: number; fpsr?: number; strict?: boolean }

/** the runtime's side of the syscalls an instruction makes (its pseudo-syscalls: PACGA…): number, six arguments, pc */
export type SyscallHandler = (nr: bigint, ...args: bigint[]) => bigint;
const noSyscalls: SyscallHandler = () => { throw new Error('no syscalls here'); };
let onSyscall = noSyscalls;
/** answers the lifted instructions' syscalls with `h` (none: they throw) */
export function setSyscallHandler(h?: SyscallHandler): void { onSyscall = h ?? noSyscalls; }

export function liftInsn(word: number): (s: State) => Ran {
  const insn = decode(word, 0x1000) as A64Insn;
  if (insn.name === 'UNDEF') throw new Error(`${word.toString(16)} does not decode`);
  const m = new WasmBuilder();
  m.setFeatures(FEATURES);
  m.setMemory(1, 1, 'memory');
  m.addFunctionImport('trap', 'env', 'trap', ir.createType([I32, I64, I64]), ir.none);
  m.addFunctionImport('syscall', 'env', 'syscall', ir.createType(new Array<ir.Type>(8).fill(I64)), I64);
  const vars: ir.Type[] = [], regLocal = new Map<number, number>(), written = new Set<number>(), items: Expr[] = [];
  const regType = (r: number) => (r >= VREG + 32 ? I64 : r >= VREG ? V128 : r >= FLAG_N ? I32 : I64); // past v31: the exclusive monitor
  const local = (r: number) => {
    let l = regLocal.get(r);
    if (l === undefined) { l = vars.length; vars.push(regType(r)); regLocal.set(r, l); }
    return l;
  };
  const b: Builder = {
    m, pc: 0x1000, scratch: new Map(),
    get: (r) => m.local.get(local(r), regType(r)),
    set: (r, v) => { written.add(r); items.push(m.local.set(local(r), v)); },
    emit: (s) => { items.push(s); },
    temp: (t, v) => { vars.push(t); if (v !== undefined) items.push(m.local.set(vars.length - 1, v)); return vars.length - 1; },
    addr: (a) => m.i32.wrap(a),
    offset: () => 0,
    checksPages: false,
    zeroHigh: (v) => (m.highZero(v, () => false) ? v : m.i64x2.replace_lane(v, 1, m.i64.const(0))),
    trap: (kind, info) => { items.push(m.call('trap', [m.i32.const(kind), m.i64.const(0x1000n), m.i64.const(BigInt(info))], ir.none)); },
    syscall: (nr, args) => m.call('syscall', [nr, ...args, ...new Array(6 - args.length).fill(0).map(() => m.i64.const(0n)), m.i64.const(0x1000n)], I64),
    invalidateCode: () => { throw new Error('no cache maintenance here'); },
    helper: (name) => {
      const id = helperId(name);
      if (!m.getFunction(id)) helpers[name]!(m, id);
      return id;
    },
  };
  insn.row.sem(insn.f, b, insn);
  const pre: Expr[] = [], post: Expr[] = [];
  for (const [r, l] of regLocal) {
    const p = () => m.i32.const(r * 16), t = regType(r), g = m.local.get(l, t);
    pre.push(m.local.set(l, t === V128 ? m.v128.load(0, 16, p()) : t === I32 ? m.i32.load(0, 4, p()) : m.i64.load(0, 8, p())));
    if (written.has(r)) post.push(t === V128 ? m.v128.store(0, 16, p(), g) : t === I32 ? m.i32.store(0, 4, p(), g) : m.i64.store(0, 8, p(), g));
  }
  m.addFunction('run', ir.none, ir.none, vars, m.block(null, [...pre, ...items, ...post]));
  m.addFunctionExport('run', 'run');
  if (!m.validate()) throw new Error(`${insn.name} ${word.toString(16)}: module does not validate`);
  // optimised as the translator does at -O2: no rewrite may disturb NaN bits
  useOptimizer(binaryen);
  const bin = optimizeBinary(m.emitBinary(), 2, FEATURES);
  m.dispose();
  const inst = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bin)), { env: { trap: () => { throw new Error('trap'); }, syscall: (...a: bigint[]) => onSyscall(a[0]!, ...a.slice(1)) } });
  const mem = new DataView((inst.exports.memory as WebAssembly.Memory).buffer);
  const run = inst.exports.run as () => void;
  return (s) => {
    for (let r = 0; r < NREGS; r++) { mem.setBigUint64(r * 16, 0n, true); mem.setBigUint64(r * 16 + 8, 0n, true); }
    s.x.forEach((x, r) => mem.setBigUint64(r * 16, BigInt.asUintN(64, x), true));
    s.v.forEach((v, r) => {
      mem.setBigUint64((VREG + r) * 16, v & ((1n << 64n) - 1n), true);
      mem.setBigUint64((VREG + r) * 16 + 8, v >> 64n, true);
    });
    for (let k = 0; k < 4; k++) mem.setUint32((FLAG_N + k) * 16, (s.nzcv >> (3 - k)) & 1, true);
    mem.setUint32(STATE.fpcr, s.fpcr ?? 0, true);
    mem.setUint32(STATE.fpsr, s.fpsr ?? 0, true);
    mem.setUint32(STATE.fpStrict, s.fpcr === undefined || s.strict === false ? 0 : 1, true);
    run();
    let nzcv = 0;
    for (let k = 0; k < 4; k++) nzcv |= (mem.getUint32((FLAG_N + k) * 16, true) & 1) << (3 - k);
    return {
      x: s.x.map((_, r) => mem.getBigUint64(r * 16, true)),
      v: s.v.map((_, r) => mem.getBigUint64((VREG + r) * 16, true) | (mem.getBigUint64((VREG + r) * 16 + 8, true) << 64n)),
      nzcv, fpcr: s.fpcr, fpsr: mem.getUint32(STATE.fpsr, true),
    };
  };
}

const lifted = new Map<number, (s: State) => Ran>();
export const runInsn = (word: number, s: State) => {
  let f = lifted.get(word);
  if (!f) { f = liftInsn(word); lifted.set(word, f); }
  return f(s);
};

// ---------------------------------------------------------------------------------------------
// Hand-checked cases (words from aarch64-linux-gnu-as; expectations as on hardware / qemu)

