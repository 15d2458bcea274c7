// The playground's shell: Debian's arm64 busybox (fetched by fetch-busybox.mjs into test/.debian,
// never committed), imported by the page as '@busybox' and registered as the programs it can exec.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BUSYBOX = fileURLToPath(new URL('../test/.debian/bin/busybox', import.meta.url));
/** the plugin's `include` pattern for it */
export const busyboxId = new RegExp(`^${BUSYBOX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
/** what '@busybox' resolves to: busybox when it was fetched, else a module saying it was not */
export const busyboxModule = existsSync(BUSYBOX) ? BUSYBOX : fileURLToPath(new URL('./src/no-busybox.ts', import.meta.url));

/** applets given a path of their own in /bin (busybox's shell runs any applet by name itself;
 *  these make `ls /bin`, `env`, `xargs` and `#!` lines find them as on a Debian system) */
const APPLETS = [
  'ash', 'awk', 'base64', 'basename', 'bc', 'cal', 'cat', 'chmod', 'clear', 'cmp', 'cp', 'cut', 'date', 'dc', 'dd', 'df',
  'diff', 'dirname', 'du', 'echo', 'env', 'expr', 'factor', 'false', 'find', 'fold', 'grep', 'gunzip', 'gzip', 'head',
  'hexdump', 'id', 'less', 'ln', 'ls', 'md5sum', 'mkdir', 'mktemp', 'more', 'mv', 'nl', 'od', 'paste', 'printf', 'ps',
  'pwd', 'readlink', 'realpath', 'reset', 'rev', 'rm', 'rmdir', 'sed', 'seq', 'sha256sum', 'shuf', 'sleep', 'sort',
  'stat', 'strings', 'stty', 'tac', 'tail', 'tar', 'tee', 'test', 'timeout', 'top', 'touch', 'tr', 'true', 'tty',
  'uname', 'uniq', 'vi', 'watch', 'wc', 'which', 'whoami', 'xargs', 'xxd', 'yes', 'zcat',
];

/** the plugin's `programs` for busybox: /bin/sh, /bin/busybox and the applets above, all busybox */
export function shellPrograms(elf: string): Record<string, string> | undefined {
  if (elf !== BUSYBOX) return undefined;
  return Object.fromEntries(['sh', 'busybox', ...APPLETS].map((name) => [`/bin/${name}`, BUSYBOX]));
}
