// The bench's table: seconds per program and tool, time ratios of elf2wasm to each other tool
// (below 1: elf2wasm takes less time), a geometric-mean row, and whether outputs match qemu's.

const seconds = (r) => (r && Number.isFinite(r.ms) ? (r.ms / 1000).toFixed(2) : '-');
const billions = (r) => (r && Number.isFinite(r.instructions) ? (r.instructions / 1e9).toFixed(3) : '-');
export const ratio = (a, b) => (Number.isFinite(a?.ms) && Number.isFinite(b?.ms) ? (a.ms / b.ms).toFixed(2) : '-');
/** the faster of two results (either may be missing) */
export const faster = (a, b) => [a, b].filter((r) => Number.isFinite(r?.ms)).sort((x, y) => x.ms - y.ms)[0];

function differences(results, reference) {
  const bad = [];
  for (const [name, r] of Object.entries(results)) {
    if (name === 'qemu' || !r || r.skip) continue;
    // clang and gcc builds print through another libc: their stdout and status must match
    const same = r.stdout === reference.stdout && r.status === reference.status && (name.startsWith('clang') || name === 'native' || r.stderr === reference.stderr);
    if (!same) bad.push(`${name} (status ${r.status}${r.error ? `: ${r.error}` : ''}: ${(r.stderr || r.stdout || '').trim().split('\n').pop()})`);
    else if (r.varies) bad.push(`${name} varies between runs`);
  }
  return bad.length ? `DIFFERS: ${bad.join('; ')}` : 'same as qemu';
}

/** One row per program: `results` name → { ms, stdout, stderr, status } | { skip: reason };
 *  `extra` columns go before the output check. */
export function row(program, translateMs, results, extra = {}) {
  const best = faster(results.clang, results.clangNoLiftoff);
  return {
    program,
    'translate s': (translateMs / 1000).toFixed(2),
    'qemu s': seconds(results.qemu),
    'elf2wasm s': seconds(results.ours),
    'clang-wasm s': seconds(results.clang),
    'clang-wasm no-liftoff s': seconds(results.clangNoLiftoff),
    'native s': seconds(results.native),
    'elf2wasm/qemu': ratio(results.ours, results.qemu),
    'elf2wasm/clang-wasm': ratio(results.ours, best),
    'elf2wasm/native': ratio(results.ours, results.native),
    ...(results.guarded ? { 'protect s': seconds(results.guarded), 'protect/elf2wasm': ratio(results.guarded, results.ours) } : {}),
    ...(results.oursCounted ? {
      'elf2wasm G insn': billions(results.oursCounted),
      'clang-wasm G insn': billions(results.clangCounted),
    } : {}),
    ...extra,
    output: differences(results, results.qemu),
  };
}

/** the geometric mean of every numeric column, over the programs that have a value there */
function geomeanRow(rows) {
  const out = { program: 'geomean' };
  for (const key of Object.keys(rows[0])) {
    if (key === 'program' || key === 'output') continue;
    const xs = rows.map((r) => Number(r[key])).filter((x) => Number.isFinite(x) && x > 0);
    out[key] = xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length).toFixed(2) + (xs.length < rows.length ? ` (${xs.length})` : '') : '-';
  }
  out.output = '';
  return out;
}

/** prints rows as an aligned text table (tools as columns), with the geomean row last */
export function printTable(title, rows) {
  if (!rows.length) return;
  const all = [...rows, geomeanRow(rows)];
  const keys = Object.keys(rows[0]);
  const width = keys.map((k) => Math.max(k.length, ...all.map((r) => String(r[k] ?? '').length)));
  const line = (cells) => cells.map((c, i) => (i === 0 || i === keys.length - 1 ? String(c).padEnd(width[i]) : String(c).padStart(width[i]))).join('  ').trimEnd();
  console.log(`\n${title}`);
  console.log(line(keys));
  for (const r of all) console.log(line(keys.map((k) => r[k] ?? '')));
}

/** why columns show '-': each build or tool that was not there, once per reason */
export function printSkipped(measured) {
  const why = new Map();
  for (const m of measured) {
    for (const [tool, r] of Object.entries(m.results)) {
      if (!r.skip) continue;
      const seen = why.get(r.skip) ?? { tools: new Set(), programs: new Set() };
      seen.tools.add(tool);
      seen.programs.add(m.program.name);
      why.set(r.skip, seen);
    }
  }
  for (const [reason, { tools, programs }] of why) console.log(`'-' in ${[...tools].join(', ')} for ${[...programs].join(', ')}: ${reason}`);
}
