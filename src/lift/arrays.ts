// Arrays that V8 keeps in one representation (elements kind, hence map), for the translator's
// graph and register code. A literal or `push` makes a packed array (of small integers when it
// holds them); spreading a Set (`[...set]`, `Array.from(set)`) makes one of generic elements,
// and `xs.map(f)` in optimised code makes a holey one (where the same call, interpreted, made a
// packed one). Code optimised for one kind deoptimises when another comes and is compiled again:
// the graph code was compiled up to seven times per translation, most of the optimising
// compiler's work, on the one other core that delivers the translator's optimised code late.

/** the numbers of `xs` in iteration order, as a packed array of small integers */
export function numbers(xs: Iterable<number>): number[] {
  const out: number[] = [];
  if (xs instanceof Set) xs.forEach((x: number) => { out.push(x); });
  else for (const x of xs) out.push(x);
  return out;
}

/** `xs.map(f)`, always packed */
export function mapped<T, U>(xs: readonly T[], f: (x: T, i: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < xs.length; i++) out.push(f(xs[i]!, i));
  return out;
}

/** `xs` without repeats, in order of first appearance (xs itself when it has two or fewer, none repeated) */
export function distinct(xs: readonly number[]): number[] {
  if (xs.length < 2) return xs as number[];
  if (xs.length === 2) return xs[0] === xs[1] ? [xs[0]!] : xs as number[];
  return numbers(new Set(xs));
}

const AN_OBJECT = {};

/**
 * An empty array in the elements kind an array of objects has: a literal `[]` starts as one of
 * small integers and changes kind at its first push, so code that pushes to a new one after it
 * was optimised for the other kind is compiled again (once per such site and translation)
 */
export function objects<T extends object>(): T[] {
  const a = [AN_OBJECT as T];
  a.pop();
  return a;
}
