// The bench's programs and their builds. Each C file of test/fixtures/bench is built three ways:
// for AArch64 (static glibc, what elf2wasm and qemu run), by clang for wasm32-wasi and by gcc for
// x86-64. Each script there (.lua, .sql) runs in a large real program: a driver linked against
// Debian's static Lua or SQLite library (scripts/debian-binaries.mjs builds it); gcc links the same
// driver against the host's x86-64 library of the same Debian package. Debian has no wasm32 build
// of either library, so those two have no clang-wasm build.
import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { sh } from './toolchain.mjs';

/** script extension → the driver in test/.debian/bin that runs it, and its x86-64 link */
const DRIVERS = {
  '.lua': { bin: 'lua-driver', native: ['-I/usr/include/lua5.4', '-llua5.4'], pkg: 'liblua5.4-dev' },
  '.sql': { bin: 'sqlite-driver', native: ['-lsqlite3'], pkg: 'libsqlite3-dev' },
};

export function listPrograms(root) {
  const dir = join(root, 'test/fixtures/bench');
  return readdirSync(dir)
    .filter((f) => extname(f) === '.c' || extname(f) in DRIVERS)
    .sort()
    .map((f) => ({ name: basename(f, extname(f)), source: join(dir, f), driver: DRIVERS[extname(f)] }));
}

function compile(cc, args) {
  const r = sh(cc, args);
  if (r.status !== 0) throw new Error(`${cc} ${args.join(' ')} failed:\n${r.stderr}`);
}

/** the x86-64 build of a driver, or why there is none */
function nativeDriver(root, program, out, tools) {
  if (tools.native) return { skip: tools.native };
  const exe = join(out, `${program.driver.bin}.x86-64`);
  // -w: the static libraries' dlopen warnings are about code the drivers never reach
  const r = sh('gcc', ['-static', '-O2', '-w', '-o', exe, join(root, 'test/real', `${program.driver.bin}.c`), ...program.driver.native, '-lm']);
  return r.status === 0 ? exe : { skip: `no x86-64 ${program.driver.bin} (apt-get install ${program.driver.pkg}): ${r.stderr.trim().split('\n').pop()}` };
}

/** the Debian drivers, built by scripts/debian-binaries.mjs when missing: their directory, or why not */
export function debianDrivers(root) {
  const bin = join(root, 'test/.debian/bin');
  if (Object.values(DRIVERS).every((d) => existsSync(join(bin, d.bin)))) return { bin };
  const r = sh('node', [join(root, 'scripts/debian-binaries.mjs')]);
  if (r.status !== 0) return { problem: `node scripts/debian-binaries.mjs failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
  return { bin };
}

/**
 * Builds a program: `elf` and `args` for qemu and elf2wasm; `wasm` and `native` are paths, or
 * `{ skip: reason }` when that build cannot be made here.
 */
export function build(root, program, out, tools, drivers) {
  if (program.driver) {
    if (drivers.problem) throw new Error(drivers.problem);
    const wasm = { skip: `Debian has no wasm32 build of ${program.driver.pkg}` };
    return { elf: join(drivers.bin, program.driver.bin), args: [program.source], wasm, native: nativeDriver(root, program, out, tools) };
  }
  const elf = join(out, `${program.name}.elf`);
  compile('aarch64-linux-gnu-gcc', ['-static', '-O2', '-o', elf, program.source, '-lm']);
  let wasm = { skip: tools.clangWasm };
  if (!tools.clangWasm) {
    wasm = join(out, `${program.name}.clang.wasm`);
    compile('clang', ['--target=wasm32-wasi', '-O2', '-o', wasm, program.source, '-lm']);
  }
  let native = { skip: tools.native };
  if (!tools.native) {
    native = join(out, `${program.name}.x86-64`);
    compile('gcc', ['-static', '-O2', '-o', native, program.source, '-lm']);
  }
  return { elf, args: [], wasm, native };
}
