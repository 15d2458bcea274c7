// The discovery report as text (`elf2wasm tool.elf --report`): how many functions and
// address-taken entry points each source found, and every indirect jump left to the dispatcher
// (and so to run-time lifting) with its nearest symbol and the reason the analysis gave up.
import type { ElfImage } from '../elf/parse.ts';
import { DISCOVERY_SOURCES, type DiscoverySource, type Program } from './discover.ts';

const hex = (n: number) => `0x${n.toString(16)}`;

function counts(m: Map<number, DiscoverySource>): string[] {
  const by = new Map<DiscoverySource, number>();
  for (const s of m.values()) by.set(s, (by.get(s) ?? 0) + 1);
  return DISCOVERY_SOURCES.filter((s) => by.has(s)).map((s) => `  ${s.padEnd(14)}${String(by.get(s)).padStart(8)}`);
}

export function formatReport(program: Program, image: Pick<ElfImage, 'symbolize'>): string {
  const r = program.report;
  if (!r) return 'no discovery report\n';
  const where = (pc: number) => {
    const s = image.symbolize(pc);
    return s ? `${s.name}+${hex(s.offset)}` : '?';
  };
  const lines = [
    `functions: ${program.functions.size} (${program.instructions} instructions, ${r.fdes} FDEs, ${Math.round(r.millis)} ms)`,
    ...counts(r.functions),
    `address-taken code: ${r.addressTaken.size}`,
    ...counts(r.addressTaken),
    `jump tables resolved: ${r.jumpTables}`,
    `IFUNC jumps resolved: ${r.ifuncJumps}`,
    `indirect jumps unresolved: ${r.unresolved.length}`,
    ...r.unresolved.map((u) => `  ${hex(u.pc)}  ${where(u.pc)}  (in ${hex(u.function)}): ${u.reason}`),
  ];
  return lines.join('\n') + '\n';
}
