// The worker_threads entry behind startRunThread (run-thread.ts): one run per thread, its request
// the first message (the thread starts before the run is known).
import { writeSync } from 'node:fs';
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { Interrupts } from '../runtime/interrupts.ts';
import { withLibraries } from '../runtime/libraries.ts';
import { configureV8 } from './engine.ts';
import { nodeImageLoader } from './images.ts';
import { rememberFaultHandler } from './cache.ts';
import type { TranslationMeta } from '../meta.ts';
import { Namespace } from './namespace.ts';
import { runNode } from './run.ts';
import type { RunThreadReply, RunThreadRequest } from './run-thread.ts';
import { Terminal, type TerminalSize, type TerminalSource } from '../runtime/terminal.ts';
import { TerminalFeed } from '../program/terminal-feed.ts';
import type { HostTerminalMessage, TerminalNotice } from './host-terminal.ts';

parentPort!.once('message', (req: RunThreadRequest) => void run(req));

async function run(req: RunThreadRequest): Promise<void> {
  const { module, images } = req;
  // written at once, in order with the guest's own output to the same fd (a raw terminal needs the CR)
  const trace = req.trace ? (line: string) => void writeSync(2, `[elf2wasm] ${line}${req.terminal ? '\r\n' : '\n'}`) : undefined;
  const reply: RunThreadReply = { status: 0, stats: { lifts: 0, functions: 0, instructions: 0, millis: 0 }, entries: [] };
  const entries = new Set<number>();
  try {
    configureV8();
    // the program's meta with its libraries placed: the image an exec of the program itself reuses
    const { meta, libraries } = withLibraries(req.meta, req.libraries ?? [], trace);
    // the executables of the run's images, for those whose process switched to checked code
    const executables = new Map<TranslationMeta, Uint8Array>();
    if (images.first) executables.set(meta, images.first);
    reply.status = await runNode(module, meta, {
      ...req.opts,
      libraries,
      namespace: req.mounts ? new Namespace(req.mounts) : undefined,
      trace,
      interrupts: new Interrupts(req.interrupts),
      terminal: req.terminal && hostTerminal(req.terminal),
      onRootStopped: req.terminal ? () => parentPort!.postMessage({ ttyStopped: true } satisfies TerminalNotice) : undefined,
      loadImage: nodeImageLoader(images.options, {
        cache: images.cache, first: images.first ? { bytes: images.first, image: { module, meta, libraries } } : undefined, trace, sysroot: images.sysroot, libraries: images.libraries,
        autoProtect: images.autoProtect, onImage: (m, bytes) => executables.set(m, bytes),
      }),
      onLiftStats: (code, of) => {
        for (const k of Object.keys(reply.stats) as (keyof RunThreadReply['stats'])[]) reply.stats[k] += code.stats[k];
        if (of === meta) for (const pc of code.liftedEntries) entries.add(pc);
        const bytes = executables.get(of);
        if (code.checksFaults && images.autoProtect && images.cache && bytes) rememberFaultHandler(bytes);
      },
    });
    reply.entries = [...entries];
    parentPort!.postMessage({ reply });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    parentPort!.postMessage({ error: { message: err.message, stack: err.stack } });
  } finally {
    // the terminal's messages kept the port open
    if (req.terminal) parentPort!.close();
  }
}

/** the run's terminal, fed by the main thread's host terminal (host-terminal.ts) */
function hostTerminal(size: TerminalSize): Terminal {
  const feed = new TerminalFeed();
  const take = (m: HostTerminalMessage): void => {
    if ('tty' in m) feed.write(m.tty);
    else if ('ttySize' in m) feed.resize(m.ttySize.columns, m.ttySize.rows);
    else feed.end();
  };
  parentPort!.on('message', take);
  // the main thread counts ^C typed while the guest takes no keys (host-terminal.ts)
  const taking = (): void => parentPort!.postMessage({ ttyPull: true } satisfies TerminalNotice);
  const source: TerminalSource = {
    next() {
      taking();
      return feed.next();
    },
    poll() {
      taking();
      // the messages the listener has not seen yet, after those it queued
      for (let m; (m = receiveMessageOnPort(parentPort!)); ) take(m.message as HostTerminalMessage);
      return feed.poll();
    },
  };
  return new Terminal(source, size, (bytes) => void writeSync(1, bytes));
}
