#!/usr/bin/env node
// `elf2wasm run` starts the guest's thread first: Node's start of a worker and its loading of the
// runtime (~45 ms) then overlap the loading of the CLI and the reading of the translation.
// A working directory removed since this process started fails every worker's start (Node asks
// for it): the run goes on from / instead, as the guest's lookups there would fail anyway.
try {
  process.cwd();
} catch {
  process.chdir('/');
}
const runThread = process.argv[2] === 'run' ? (await import('../dist/run-thread.js')).startRunThread() : undefined;
const { cliEntry } = await import('../dist/cli.js');
await cliEntry(runThread);
