// The registry this project is developed against does not serve other platforms' optional
// binaries (e.g. @rollup/rollup-darwin-arm64 404s), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock. This adds an entry for every missing
// optional dependency, with the os/cpu its name states: npm skips it on other platforms and
// fetches it (as an optional dependency, tolerating failure) where it applies. A dependency that
// node would find from a nested package (an older major under an alias, e.g. rspack1's own
// @rspack/binding) goes beside that package, not at the top where another major's may be.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 'riscv64', 's390x', 'loong64', 'wasm32'];
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const found = lookup(path, dep);
    if (found && (found.version === version || !/^\d+\.\d+\.\d+$/.test(version))) continue;
    // beside the package (in the node_modules folder that holds it), else inside it
    let at = `${path.slice(0, path.lastIndexOf('node_modules/'))}node_modules/${dep}`;
    if (pkgs[at]) at = `${path}/node_modules/${dep}`;
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
/** the lock entry node would find for `dep` required from the package at `path` */
function lookup(path, dep) {
  for (let dir = path; ; dir = dir.slice(0, dir.lastIndexOf('/node_modules/'))) {
    if (pkgs[`${dir}/node_modules/${dep}`]) return pkgs[`${dir}/node_modules/${dep}`];
    if (!dir.includes('/node_modules/')) return pkgs[`node_modules/${dep}`];
  }
}

writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-complete: added ${added} optional platform entries`);
