// The registry this project is developed against does not serve other platforms' optional
// binaries (e.g. @rollup/rollup-darwin-arm64 404s), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock. This adds an entry for every missing
// optional dependency, with the os/cpu its name states: npm skips it on other platforms and
// fetches it (as an optional dependency, tolerating failure) where it applies.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 'riscv64', 's390x', 'loong64', 'wasm32'];
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const at = `node_modules/${dep}`;
    if (pkgs[at] || pkgs[`${path}/${at}`]) continue;
    const parts = dep.split('/').pop().split('-');
    const entry = { version, optional: true };
    const os = OS.find((o) => parts.includes(o) || (o === 'win32' && parts.some((p) => p.startsWith('win32'))));
    const cpu = CPU.find((c) => parts.includes(c) || (c === 'arm' && parts.some((p) => p.startsWith('arm') && p !== 'arm64')));
    if (os) entry.os = [os];
    if (cpu) entry.cpu = [cpu];
    pkgs[at] = entry;
    added++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-complete: added ${added} optional platform entries`);
