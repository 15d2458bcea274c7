#!/usr/bin/env node
// `elf2wasm run` starts the guest's thread first: Node's start of a worker and its loading of the
// runtime (~45 ms) then overlap the loading of the CLI and the reading of the translation; a
// translation starts its thread first in the same way.
// A working directory removed since this process started fails every worker's start (Node asks
// for it): this process moves to /, and the guest is told the directory it was in (cwdRemoved).
let removed;
try {
  process.cwd();
} catch {
  removed = process.env.PWD?.startsWith('/') ? process.env.PWD : '/';
  process.chdir('/');
}
const command = process.argv[2];
const runThread = command === 'run' ? (await import('../dist/run-thread.js')).startRunThread() : undefined;
// `elf2wasm tool.elf …` translates: its thread starts now too, taken as a kept one at the default
// -O0 (not by an optimising translation nor by --report, which translate elsewhere)
const translates = command && !command.startsWith('-') && command !== 'run' && command !== 'cache';
if (translates && !process.argv.some((a) => /^(-O|--optimize|--report)/.test(a))) (await import('../dist/translate-thread.js')).prestartThread();
const { cliEntry, cwdRemoved } = await import('../dist/cli.js');
if (removed) cwdRemoved(removed);
await cliEntry(runThread);
