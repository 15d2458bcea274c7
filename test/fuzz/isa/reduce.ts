// Shrinks a mismatching sequence: words are replaced by NOP (so branch offsets keep their targets)
// while the sequence, run alone, still differs from qemu at the same place. Each round runs every
// one-word removal in one program and keeps those that still differ.
import type { Sequence } from './generate.ts';
import { runBatch, TemplateError, type IsaResult } from './harness.ts';

export const NOP = 0xd503201f;

const firstDiff = (r: IsaResult) => (r.verdict === 'mismatch' ? r.diffs?.[0]?.what ?? r.detail : undefined);

export async function reduce(r: IsaResult): Promise<IsaResult> {
  const want = firstDiff(r);
  if (!want) return r;
  let best = r;
  const without = (seq: Sequence, drop: number[]): Sequence => ({
    ...seq,
    words: seq.words.map((w, k) => (drop.includes(k) ? NOP : w)),
    names: seq.names.map((n, k) => (drop.includes(k) ? 'NOP' : n)),
  });
  // a removed writeback can send a later access out of range under qemu (a TemplateError): not a reproducer
  const tolerant = async (cands: Sequence[]): Promise<IsaResult[]> => {
    try {
      return await runBatch(cands);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      if (cands.length === 1) return [];
      return (await Promise.all(cands.map((c) => tolerant([c])))).flat();
    }
  };
  const still = async (cands: Sequence[]) => (await tolerant(cands)).filter((x) => firstDiff(x) === want);
  for (;;) {
    const live = best.seq.words.flatMap((w, k) => (w === NOP ? [] : [k]));
    const cands = live.map((k) => without(best.seq, [k]));
    // run alone per candidate in one program: tag each by the word it dropped
    const ok = await still(cands);
    if (!ok.length) return best;
    const drops = ok.map((x) => x.seq.words.findIndex((w, k) => w === NOP && best.seq.words[k] !== NOP));
    const all = await still([without(best.seq, drops)]);
    best = all[0] ?? ok[0]!;
  }
}
