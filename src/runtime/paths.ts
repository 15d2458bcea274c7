// Guest path arithmetic. Paths are resolved lexically to absolute, normalised guest paths before
// they reach WASI, which resolves them relative to the preopened "/" (WASI has no cwd and
// rejects absolute paths). Lexical ".." differs from Linux across symlinks to directories and
// after files: a path with such a component is walked instead (vfs.ts walkPath).

/** Joins `path` onto the absolute directory `base` (unless `path` is absolute) and normalises. */
export function resolvePath(base: string, path: string): string {
  const parts: string[] = [];
  const full = path.startsWith('/') ? path : `${base}/${path}`;
  for (const c of full.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return `/${parts.join('/')}`;
}

/** The WASI path (relative to the root preopen) of an absolute normalised guest path. */
export function toWasiPath(abs: string): string {
  return abs === '/' ? '.' : abs.slice(1);
}

/** "a/b/" names a directory: Linux then requires the target to be one. */
export function hasTrailingSlash(path: string): boolean {
  return path.length > 1 && path.endsWith('/');
}
