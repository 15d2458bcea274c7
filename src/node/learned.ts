// Learning builds: the entry PCs a run had to lift at run time, kept in a file beside the
// executable (`tool.elf.lifted`), so that the next translation of the same executable translates
// them ahead of time. The file names the executable's hash: entries of another build are ignored.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const HEADER = '# elf2wasm: code lifted at run time, translated ahead of time by the next build of';

export const learnedPathFor = (elfPath: string): string => `${elfPath}.lifted`;

const digest = (elf: Uint8Array): string => createHash('sha256').update(elf).digest('hex');

/** the entries recorded for exactly this executable (none if the file is absent or for other bytes) */
export function readLearned(path: string, elf: Uint8Array): number[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  if (!lines[0]?.startsWith(HEADER) || !lines[0].endsWith(` sha256:${digest(elf)}`)) return [];
  return lines.slice(1).map((l) => l.trim()).filter((l) => /^0x[0-9a-f]+$/i.test(l)).map((l) => Number.parseInt(l, 16));
}

/** merges `pcs` into the file (rewritten for this executable if it held another's entries) */
export function recordLearned(path: string, elf: Uint8Array, pcs: Iterable<number>): number[] {
  const all = [...new Set([...readLearned(path, elf), ...pcs])].sort((a, b) => a - b);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${HEADER} sha256:${digest(elf)}\n${all.map((pc) => `0x${pc.toString(16)}\n`).join('')}`);
  renameSync(tmp, path);
  return all;
}
