// An app for the plugin's `programs` option: exec-bundled.elf (test/fixtures/programs/exec-bundled.c,
// built with musl at test time) execs Debian's busybox, hello.elf and a '#!' script, all by
// absolute paths that are both the guest paths the bundle registers and the files' host paths, so
// that under qemu-aarch64 (binfmt_misc runs the exec'd AArch64 children) the same execs find the
// same programs. programs.js runs it and prints the result as JSON (main thread, or a worker when
// given "worker"); page.js does the same in a worker on a page (chromium refuses a synchronous
// `new WebAssembly.Instance` of a module over 8 MB on a page's thread, which the kernel's fork and
// exec of busybox need: see the report of the commit that added this file).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { realBinary } from '../helpers/real.ts';
import { makeApp, type App } from './app.ts';

const SOURCE = resolve(import.meta.dirname, '../fixtures/programs/exec-bundled.c');
const BINFMT = '/proc/sys/fs/binfmt_misc/qemu-aarch64';

export interface Outcome { stdout: string; stderr: string; status: number | null }

export interface ProgramsApp {
  app: App;
  /** the paths exec-bundled.elf is given: busybox, the second program, the script it writes */
  args: string[];
  /** builds the program, copies busybox in and records the reference under qemu-aarch64 (once) */
  reference(): Outcome;
}

export function makeProgramsApp(): ProgramsApp {
  const app = makeApp();
  const busybox = join(app.dir, 'bin/busybox'); // named busybox: argv[0] picks the applet
  const args = [busybox, join(app.dir, 'hello.elf'), join(app.dir, 'script.sh')];
  // /bin/sh names busybox too: two paths, one translation
  app.plugin = { quiet: true, programs: { [busybox]: 'bin/busybox', [args[1]!]: 'hello.elf', '/bin/sh': 'bin/busybox' } };
  const result = '{ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, files: Object.keys(r.files).filter((f) => !f.startsWith("/dev/")).sort() }';
  writeFileSync(join(app.dir, 'programs.js'), [
    "import prog from './exec-bundled.elf';",
    `prog.run({ args: ${JSON.stringify(args)}, worker: process.argv[2] === 'worker' }).then((r) => console.log(JSON.stringify(${result})));`,
    '',
  ].join('\n'));
  writeFileSync(join(app.dir, 'page.js'), [
    "import prog from './exec-bundled.elf';",
    'const show = (x) => { document.getElementById("result").textContent = JSON.stringify(x); };',
    `prog.run({ args: ${JSON.stringify(args)}, worker: true }).then((r) => (${result}))`,
    '  .then(show, (e) => show({ error: String(e && e.stack || e) }));',
    '',
  ].join('\n'));
  let reference: Outcome | undefined;
  return {
    app,
    args,
    reference() {
      if (reference) return reference;
      // without binfmt_misc, qemu hands the exec'd AArch64 children to the host kernel: a wrong reference
      if (!existsSync(BINFMT) || !/^enabled$/m.test(readFileSync(BINFMT, 'utf8'))) throw new Error(`qemu-aarch64 is not registered with binfmt_misc (${BINFMT}): see ARCHITECTURE.md ("Toolchain")`);
      mkdirSync(join(app.dir, 'bin'), { recursive: true });
      copyFileSync(realBinary('busybox'), busybox);
      const cc = spawnSync('aarch64-linux-musl-gcc', ['-O2', '-static', '-o', join(app.dir, 'exec-bundled.elf'), SOURCE], { encoding: 'utf8' });
      if (cc.status !== 0) throw new Error(`aarch64-linux-musl-gcc failed: ${cc.stderr || cc.error?.message}`);
      const q = spawnSync('qemu-aarch64', [join(app.dir, 'exec-bundled.elf'), ...args], { encoding: 'utf8', env: {} });
      reference = { stdout: q.stdout, stderr: q.stderr, status: q.status };
      return reference;
    },
  };
}
