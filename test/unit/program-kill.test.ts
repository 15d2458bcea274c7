// The program API's kill (issue 8 item 5): run() returns a promise that can send the running
// program a signal, with qemu-user's semantics (interrupt.c under qemu-aarch64, its process
// group signalled once it prints "ready", is the reference): a handler runs and the program goes
// on, or the default action ends it with 128 + N. On the caller's thread and in a worker.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossBuilder } from '../helpers/cross-build.ts';
import { createProgram, type ElfProgram } from '../../src/program/index.ts';
import { translate } from '../../src/translate.ts';
import { interrupted, READY_DELAY_MS, settled, signalStatus, type Outcome } from '../helpers/interrupted.ts';
import { nodeWorker } from '../helpers/ts-worker.ts';

const SOURCE = resolve(import.meta.dirname, '../fixtures/signals/interrupt.c');
let work: string;
let elf: string;
let program: ElfProgram;

const build = crossBuilder('kill');
beforeAll(() => {
  elf = build('aarch64-linux-gnu-gcc', SOURCE, 'interrupt', ['-static', '-O1']);
  work = dirname(elf);
  // the lifter: a forked child resumes at the instruction after fork's svc, which the build did not see as an entry
  program = createProgram('interrupt', { bytes: translate(readFileSync(elf), { optimize: 0 }).wasm, lifter: () => import('../../src/lift/runtime-lift.ts') });
});

/** runs interrupt.c through the program API, killing it with `sig` once it prints "ready" */
async function killed(args: string[], sig: NodeJS.Signals, worker: boolean): Promise<Outcome> {
  let sent = false;
  const run = program.run({
    args, worker: worker ? nodeWorker : undefined,
    onStdout: (text) => {
      if (sent || !text.includes('ready')) return;
      sent = true;
      // in a worker the guest sleeps meanwhile, as under qemu; on the caller's thread this runs
      // inside the guest's write, so the signal comes before its next syscall
      if (worker) setTimeout(() => run.kill(sig), READY_DELAY_MS);
      else run.kill(sig);
    },
  });
  const r = await run;
  return { stdout: r.stdout, stderr: r.stderr, status: r.exitCode };
}

describe('run().kill sends the program a signal as qemu-user delivers one', () => {
  const cases: [string, string, NodeJS.Signals][] = [
    ['sleep', 'handler', 'SIGINT'], ['sleep', 'none', 'SIGINT'], ['pipe', 'handler', 'SIGINT'], ['sleep', 'none', 'SIGTERM'],
  ];
  it.each(cases)('waiting in %s, handler: %s, %s, on the caller thread and in a worker', async (how, handler, sig) => {
    const expected = settled(await interrupted('qemu-aarch64', [elf, how, handler], sig, { cwd: work }));
    expect(expected.status).toBe(handler === 'handler' ? 3 : signalStatus(sig));
    expect(settled(await killed([how, handler], sig, true))).toEqual(expected);
    expect(settled(await killed([how, handler], sig, false))).toEqual(expected);
  });

  it('takes names and numbers, and refuses what is no signal', () => {
    const run = program.run({ args: ['sleep', 'none'] });
    expect(() => run.kill('SIGNOPE')).toThrow(RangeError);
    expect(() => run.kill(0)).toThrow(RangeError);
    run.kill('INT');
    return expect(run).resolves.toMatchObject({ exitCode: 130 });
  });
});
