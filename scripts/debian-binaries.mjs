#!/usr/bin/env node
// Fetches the real AArch64 binaries of the real-binary tests (test/real/*.test.ts) from Debian and
// builds the two small drivers linked against Debian's static libraries.
//
//   node scripts/debian-binaries.mjs [--force] [--only busybox]
//
//   --force         download, extract and link everything again
//   --only NAME     just the executable NAME (busybox, bash-static, zsh-static, gofmt, go-test2json) and its package
//                   (the playground's shell needs busybox alone: playground/fetch-busybox.mjs)
//
// Steps (each skipped when its output already exists, so running it again is cheap):
//   1. `apt-get download PKG:arm64` of busybox-static, bash-static, zsh-static, libsqlite3-dev,
//      liblua5.4-dev, golang-1.19-go into test/.debian/debs/ (as root: when a download fails the script enables the
//      arm64 architecture and runs `apt-get update` once, then tries again);
//   2. `dpkg -x` of each package into test/.debian/root/ (of the Go toolchain just gofmt and test2json);
//   3. test/.debian/bin/{busybox,bash-static,zsh-static,gofmt,go-test2json}: copies of the packaged executables;
//   4. test/.debian/bin/sqlite-driver and lua-driver: test/real/{sqlite,lua}-driver.c linked
//      statically with aarch64-linux-gnu-gcc against the packages' libsqlite3.a and liblua5.4.a
//      (headers from the same packages); rebuilt when the source or the library is newer;
//   5. test/.debian/bin/versions.json: the package versions the binaries came from.
//
// Needs Debian (apt-get, dpkg) and gcc-aarch64-linux-gnu (+ libc6-dev-arm64-cross). Nothing it
// writes is committed: test/.debian/ is git-ignored. The tests run the binaries under qemu-aarch64
// for their expectations, so they need qemu-user as well (not this script).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, 'test/.debian');
const DEBS = path.join(CACHE, 'debs');
const SYSROOT = path.join(CACHE, 'root');
const BIN = path.join(CACHE, 'bin');
const REAL = path.join(ROOT, 'test/real');
const ARCH = 'arm64';
const CC = 'aarch64-linux-gnu-gcc';

const GO = 'usr/lib/go-1.19';
const ALL_PACKAGES = ['busybox-static', 'bash-static', 'zsh-static', 'libsqlite3-dev', 'liblua5.4-dev', 'golang-1.19-go'];
/** executables copied out of the packages: bin name → path inside the extracted packages */
const ALL_EXECUTABLES = {
  busybox: 'bin/busybox', 'bash-static': 'bin/bash-static', 'zsh-static': 'bin/zsh-static',
  // static, stripped Go programs (Go's own tools)
  gofmt: `${GO}/bin/gofmt`, 'go-test2json': `${GO}/pkg/tool/linux_arm64/test2json`,
};
/** the package each executable comes from */
const PACKAGE_OF = { busybox: 'busybox-static', 'bash-static': 'bash-static', 'zsh-static': 'zsh-static', gofmt: 'golang-1.19-go', 'go-test2json': 'golang-1.19-go' };
/** packages of which only these paths are extracted (the Go toolchain is 330 MB installed) */
const PARTIAL = { 'golang-1.19-go': [ALL_EXECUTABLES.gofmt, ALL_EXECUTABLES['go-test2json']] };
const MULTIARCH = 'usr/lib/aarch64-linux-gnu';
/** drivers: bin name → source, static library, include dirs (all relative to the sysroot but the source) */
const ALL_DRIVERS = {
  'sqlite-driver': { src: 'sqlite-driver.c', lib: `${MULTIARCH}/libsqlite3.a`, include: ['usr/include'] },
  'lua-driver': { src: 'lua-driver.c', lib: `${MULTIARCH}/liblua5.4.a`, include: ['usr/include/lua5.4', 'usr/include/aarch64-linux-gnu'] },
};

const USAGE = `usage: node scripts/debian-binaries.mjs [--force] [--only ${Object.keys(ALL_EXECUTABLES).join('|')}]`;
const argv = process.argv.slice(2);
const force = argv.includes('--force');
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
argv.forEach((a, i) => {
  if (a !== '--force' && a !== '--only' && !(i === onlyAt + 1 && onlyAt >= 0)) fail(`unknown argument ${a} (${USAGE})`);
});
if (onlyAt >= 0 && !(only in ALL_EXECUTABLES)) fail(`--only takes one of ${Object.keys(ALL_EXECUTABLES).join(', ')} (${USAGE})`);
const PACKAGES = only ? [PACKAGE_OF[only]] : ALL_PACKAGES;
const EXECUTABLES = only ? { [only]: ALL_EXECUTABLES[only] } : ALL_EXECUTABLES;
const DRIVERS = only ? {} : ALL_DRIVERS;

function fail(message) {
  console.error(`debian-binaries: ${message}`);
  process.exit(1);
}

function log(message) {
  console.log(`debian-binaries: ${message}`);
}

/** Runs a command; returns its result, or fails when `must` and it did not succeed. */
function run(cmd, args, { cwd = ROOT, must = true, quiet = false } = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) {
    if (!must) return r;
    fail(r.error.code === 'ENOENT' ? `${cmd} not found${hint(cmd)}` : `${cmd}: ${r.error.message}`);
  }
  if (r.status !== 0 && must) {
    fail(`${cmd} ${args.join(' ')} failed (status ${r.status}):\n${(r.stderr || r.stdout).trim()}`);
  }
  if (!quiet && r.stderr && r.status === 0) {
    const text = r.stderr.split('\n').filter((l) => l && !/^W: Download is performed unsandboxed/.test(l)).join('\n');
    if (text) console.error(text);
  }
  return r;
}

function hint(cmd) {
  if (cmd === CC) return ' (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)';
  if (cmd === 'apt-get' || cmd === 'dpkg' || cmd === 'dpkg-deb') return ' (this script needs Debian\'s apt and dpkg)';
  return '';
}

function debOf(pkg) {
  if (!fs.existsSync(DEBS)) return undefined;
  const name = fs.readdirSync(DEBS).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(`_${ARCH}.deb`));
  return name && path.join(DEBS, name);
}

function newer(output, ...inputs) {
  if (!fs.existsSync(output)) return false;
  const t = fs.statSync(output).mtimeMs;
  return inputs.every((i) => fs.statSync(i).mtimeMs <= t);
}

// 1. download
if (force) fs.rmSync(CACHE, { recursive: true, force: true });
fs.mkdirSync(DEBS, { recursive: true });
const missing = PACKAGES.filter((p) => !debOf(p));
if (missing.length) {
  const download = () => run('apt-get', ['download', ...missing.map((p) => `${p}:${ARCH}`)], { cwd: DEBS, must: false, quiet: true });
  let r = download();
  if (r.error?.code === 'ENOENT') fail(`apt-get not found${hint('apt-get')}`);
  if (r.status !== 0) {
    if (process.getuid?.() !== 0) {
      fail(`apt-get download ${missing.join(' ')} failed:\n${(r.stderr || '').trim()}\n` +
        `As root: dpkg --add-architecture ${ARCH} && apt-get update, then run this script again.`);
    }
    const foreign = run('dpkg', ['--print-foreign-architectures']).stdout.split(/\s+/);
    if (!foreign.includes(ARCH)) {
      log(`dpkg --add-architecture ${ARCH}`);
      run('dpkg', ['--add-architecture', ARCH]);
    }
    log('apt-get update');
    run('apt-get', ['update', '-q'], { quiet: true });
    r = download();
    if (r.status !== 0) fail(`apt-get download ${missing.join(' ')} failed after apt-get update:\n${(r.stderr || '').trim()}`);
  }
  for (const p of missing) {
    if (!debOf(p)) fail(`apt-get download did not produce ${p}_*_${ARCH}.deb in ${path.relative(ROOT, DEBS)}`);
    log(`downloaded ${path.basename(debOf(p))}`);
  }
} else {
  log(`packages already downloaded (${path.relative(ROOT, DEBS)})`);
}

// 2. extract
fs.mkdirSync(SYSROOT, { recursive: true });
const versions = {};
for (const p of PACKAGES) {
  const deb = debOf(p);
  const stamp = path.join(SYSROOT, `.extracted-${path.basename(deb)}`);
  versions[p] = run('dpkg-deb', ['--field', deb, 'Version']).stdout.trim();
  if (fs.existsSync(stamp)) continue;
  if (PARTIAL[p]) {
    const tar = spawnSync('sh', ['-c', 'd="$1" r="$2"; shift 2; dpkg-deb --fsys-tarfile "$d" | tar -x -C "$r" "$@"', 'sh', deb, SYSROOT, ...PARTIAL[p].map((f) => `./${f}`)], { encoding: 'utf8' });
    if (tar.status !== 0) fail(`extracting ${PARTIAL[p].join(', ')} from ${path.basename(deb)} failed:\n${tar.stderr.trim()}`);
  } else {
    run('dpkg', ['-x', deb, SYSROOT]);
  }
  fs.writeFileSync(stamp, '');
  log(`extracted ${path.basename(deb)}`);
}

// 3. executables
fs.mkdirSync(BIN, { recursive: true });
for (const [name, rel] of Object.entries(EXECUTABLES)) {
  const from = path.join(SYSROOT, rel);
  const to = path.join(BIN, name);
  if (!fs.existsSync(from)) fail(`${rel} is not in the extracted packages`);
  if (fs.existsSync(to) && fs.readFileSync(to).equals(fs.readFileSync(from))) continue;
  fs.copyFileSync(from, to);
  fs.chmodSync(to, 0o755);
  log(`bin/${name} (from ${rel})`);
}

// 4. drivers
for (const [name, d] of Object.entries(DRIVERS)) {
  const src = path.join(REAL, d.src);
  const lib = path.join(SYSROOT, d.lib);
  const out = path.join(BIN, name);
  if (!fs.existsSync(src)) fail(`missing driver source ${path.relative(ROOT, src)}`);
  if (!fs.existsSync(lib)) fail(`${d.lib} is not in the extracted packages`);
  if (newer(out, src, lib, fileURLToPath(import.meta.url))) continue;
  const args = ['-O2', '-static', '-w', ...d.include.map((i) => `-I${path.join(SYSROOT, i)}`), src, lib, '-lm', '-o', `${out}.tmp`];
  // the libraries reference dlopen (never called here): the linker's warning about it is noise
  const r = run(CC, args, { quiet: true });
  const warnings = r.stderr.split('\n').filter((l) => l.trim() && !/dlopen|in function .*(DlOpen|lookforfunc)/.test(l));
  if (warnings.length) console.error(warnings.join('\n'));
  fs.renameSync(`${out}.tmp`, out);
  log(`built bin/${name} (${CC} -static ${d.src} ${path.basename(d.lib)})`);
}

// 5. versions
const versionsFile = path.join(BIN, 'versions.json');
// --only adds its package to what earlier runs recorded
const earlier = only && fs.existsSync(versionsFile) ? JSON.parse(fs.readFileSync(versionsFile, 'utf8')) : {};
const text = `${JSON.stringify({ ...earlier, ...versions }, null, 2)}\n`;
if (!fs.existsSync(versionsFile) || fs.readFileSync(versionsFile, 'utf8') !== text) fs.writeFileSync(versionsFile, text);

log(`ready in ${path.relative(ROOT, BIN)}: ${[...Object.keys(EXECUTABLES), ...Object.keys(DRIVERS)].join(', ')}`);
for (const [p, v] of Object.entries(versions)) log(`  ${p} ${v}`);
