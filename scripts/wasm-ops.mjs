// Derives src/wasm/ops.ts, the encoding of every one-instruction method of binaryen's expression
// API that src/wasm/builder.ts implements (i32.add, i64.load8_u, f64x2.extract_lane, ...): each
// method is built once in binaryen and its opcode bytes and result type read back from the
// emitted module. `node scripts/wasm-ops.mjs` rewrites the file; test/unit/wasm-builder.test.ts
// derives it again and fails if it differs (a binaryen update that renamed or renumbered ops).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import binaryen from 'binaryen';

const NAMESPACES = ['i32', 'i64', 'f32', 'f64', 'v128', 'i8x16', 'i16x8', 'i32x4', 'i64x2', 'f32x4', 'f64x2'];
/** immediates each shape carries after the opcode (stripped from what binaryen emits) */
const IMMEDIATE_BYTES = { plain: 0, memarg: 2, lane: 3, extract: 1, replace: 1, shuffle: 16 };

/** method paths and parameter names from binaryen's typings: [['i64','trunc_s_sat','f64'], ['value']] */
export function methods() {
  const dts = readFileSync(createRequire(import.meta.url).resolve('binaryen/index.d.ts'), 'utf8').split('\n');
  const out = [];
  const start = dts.findIndex((l) => /^\s*class Module\b/.test(l));
  const stack = [];
  for (let i = start + 1; i < dts.length; i++) {
    const line = dts[i];
    const open = /^\s*(\w+): \{\s*$/.exec(line);
    if (open) { stack.push(open[1]); continue; }
    if (/^\s*\}[,;]?\s*$/.test(line)) { if (!stack.length) break; stack.pop(); continue; }
    const m = /^\s*(\w+)\(([^)]*)\): ExpressionRef;/.exec(line);
    if (!m || !stack.length || !NAMESPACES.includes(stack[0]) || stack.includes('atomic')) continue;
    const params = m[2].split(',').map((p) => p.trim().split(/[?:]/)[0]).filter(Boolean).filter((p) => p !== 'name');
    if (m[1] === 'const' || m[1] === 'const_bits' || m[1] === 'pop') continue;
    out.push([[...stack, m[1]], params]);
  }
  return out;
}

function shapeOf(path, params) {
  const name = path[path.length - 1];
  if (params[0] === 'offset' && params[1] === 'align') return params.includes('index') ? 'lane' : 'memarg';
  if (name.startsWith('extract_lane')) return 'extract';
  if (name === 'replace_lane') return 'replace';
  if (name === 'shuffle') return 'shuffle';
  return 'plain';
}

/** operands each shape takes as expressions */
function operandCount(shape, params) {
  if (shape === 'memarg') return params.length - 2;
  if (shape === 'lane') return 2;
  if (shape === 'extract') return 1;
  if (shape === 'replace') return 2;
  if (shape === 'shuffle') return 2;
  return params.length;
}

/** binaryen types a binary op by its left operand: give every operand its namespace's type */
const operandType = (path) => (['i32', 'i64', 'f32', 'f64'].includes(path[0]) ? binaryen[path[0]] : binaryen.v128);

function build(m, path, shape, operands) {
  let f = m;
  for (const p of path) f = f[p];
  const ops = Array.from({ length: operands }, (_, k) => m.local.get(k, operandType(path)));
  switch (shape) {
    case 'memarg': return f(0, 1, ...ops);
    case 'lane': return f(0, 1, 0, ...ops);
    case 'extract': return f(ops[0], 0);
    case 'replace': return f(ops[0], 0, ops[1]);
    case 'shuffle': return f(ops[0], ops[1], new Array(16).fill(0));
    default: return f(...ops);
  }
}

const TYPE_NAMES = new Map([[binaryen.none, 'none'], [binaryen.i32, 'i32'], [binaryen.i64, 'i64'], [binaryen.f32, 'f32'], [binaryen.f64, 'f64'], [binaryen.v128, 'v128']]);

/** the code section's single body, after its local declarations */
function body(wasm) {
  let p = 8;
  const u32 = () => { let v = 0, s = 0, b; do { b = wasm[p++]; v |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return v >>> 0; };
  while (p < wasm.length) {
    const id = wasm[p++], size = u32(), end = p + size;
    if (id === 10) {
      u32(); u32(); // one body, its size
      for (let runs = u32(); runs > 0; runs--) { u32(); p++; }
      return wasm.subarray(p, end);
    }
    p = end;
  }
  throw new Error('no code section');
}

/** [path, hex opcode bytes, result type, shape, operands] for every method */
export function derive() {
  const rows = [];
  for (const [path, params] of methods()) {
    if (typeof path.reduce((f, p) => f?.[p], binaryen.Module.prototype) !== 'function' && typeof path.reduce((f, p) => f?.[p], new binaryen.Module()) !== 'function') continue; // typed but not in binaryen.js
    const shape = shapeOf(path, params), operands = operandCount(shape, params);
    const m = new binaryen.Module();
    m.setFeatures(binaryen.Features.All);
    m.setMemory(1, 1);
    const e = build(m, path, shape, operands);
    const type = binaryen.getExpressionType(e);
    if (!TYPE_NAMES.has(type)) { m.dispose(); continue; } // multi-value results (wide arithmetic): not used
    m.addFunction('f', binaryen.none, type, Array(operands).fill(operandType(path)), e);
    const code = body(m.emitBinary());
    m.dispose();
    // operands are `local.get k` (2 bytes each), then the opcode, its immediates and `end`
    const op = code.subarray(operands * 2, code.length - 1 - IMMEDIATE_BYTES[shape]);
    rows.push([path.join('.'), Buffer.from(op).toString('hex'), TYPE_NAMES.get(type), shape, operands]);
  }
  return rows;
}

export function render(rows) {
  const lines = rows.map((r) => `  [${r.map((v) => JSON.stringify(v)).join(', ')}],`);
  return `// Generated by scripts/wasm-ops.mjs from binaryen ${JSON.parse(readFileSync(createRequire(import.meta.url).resolve('binaryen/package.json'), 'utf8')).version}: do not edit.
// [method path, opcode bytes (hex), result type, immediates, operand count]
export type OpShape = 'plain' | 'memarg' | 'lane' | 'extract' | 'replace' | 'shuffle';
export type OpRow = readonly [string, string, 'none' | 'i32' | 'i64' | 'f32' | 'f64' | 'v128', OpShape, number];
export const OPS: readonly OpRow[] = [
${lines.join('\n')}
];
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = derive();
  writeFileSync(new URL('../src/wasm/ops.ts', import.meta.url), render(rows));
  console.log(`${rows.length} ops`);
}
