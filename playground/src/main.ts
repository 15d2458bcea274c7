// The playground page: one xterm.js terminal and four ways to fill it.
//  - busybox sh (Debian's, see shell-config.ts), an interactive shell on the program API's terminal
//    (RunOptions.terminal): keys go to run.write, its screen output to term.write, resizes to
//    run.resize; pipelines, $(…), ^C to the foreground job, a few files in /home/user;
//  - nn.elf, imported through the plugin, trains a tiny neural network in a Web Worker with live output;
//  - calc.elf, a line calculator: stdin is given up front, so each line re-runs it with the whole session;
//  - a dropped ELF is translated in the browser, in a worker (the translator loads on first use), and run.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import busybox from '@busybox';
import calc from '../demo/calc.elf';
import nn from '../demo/nn.elf';
import { createProgram, type ElfProgram, type RunningProgram, type RunResult } from '../../src/program/index.ts';
import { SHELL_ENV, SHELL_FILES, SHELL_HOME, SHELL_UID } from './shell-files.ts';
import type { Translation } from '../../src/translate.ts';
import type { TranslateReply } from './translate-worker.ts';
import './style.css';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const term = new Terminal({
  fontFamily: '"JetBrains Mono", "Fira Code", "Cascadia Code", Menlo, Consolas, "DejaVu Sans Mono", monospace',
  fontSize: 13.5,
  lineHeight: 1.15,
  cursorBlink: true,
  convertEol: true, // the guest writes "\n"
  scrollback: 5000,
  allowProposedApi: false,
  theme: {
    background: '#0d1322',
    foreground: '#d7deea',
    cursor: '#35d0a7',
    cursorAccent: '#0d1322',
    selectionBackground: '#2a3a5c',
    black: '#1b2333', red: '#ff6b7d', green: '#35d0a7', yellow: '#f5c26b',
    blue: '#6ea8ff', magenta: '#c792ea', cyan: '#5fd7e8', white: '#d7deea',
    brightBlack: '#5c6a85', brightRed: '#ff8b99', brightGreen: '#6ee7c4', brightYellow: '#ffd98e',
    brightBlue: '#9cc3ff', brightMagenta: '#dcb5ff', brightCyan: '#94ecf6', brightWhite: '#ffffff',
  },
});
const fit = new FitAddon();
term.loadAddon(fit);
term.open($('terminal'));
fit.fit();
new ResizeObserver(() => fit.fit()).observe($('terminal'));

/** each run's plain output (the terminal has it only as styled cells): what
 *  test/browser/playground.test.ts compares with qemu-aarch64's */
interface Shown { title: string; stdin?: string; stdout?: string; stderr?: string; exitCode?: number; error?: string }
const shown: Shown[] = [];
/** the shell's screen output as the program wrote it (its run is in `runs` once it exits) */
const shellState = { output: '', running: false };
Object.assign(window, { playground: { term, runs: shown, shell: shellState } });

/** a full terminal reset (RIS) through the write queue, so it stays in order with pending output */
const clearScreen = (): void => term.write('\x1bc');

const c = {
  dim: (s: string) => `\x1b[38;5;245m${s}\x1b[0m`,
  red: (s: string) => `\x1b[31m${s}\x1b[0m`,
  green: (s: string) => `\x1b[32m${s}\x1b[0m`,
  cyan: (s: string) => `\x1b[36m${s}\x1b[0m`,
  bold: (s: string) => `\x1b[1m${s}\x1b[0m`,
};

// ── status: the title bar's name and badge, the buttons ───────────────────────────────────────

type State = 'running' | 'done' | 'failed' | 'input' | 'idle';
const buttons = [$<HTMLButtonElement>('run-shell'), $<HTMLButtonElement>('run-nn'), $<HTMLButtonElement>('run-calc')];
let busy = false;

function status(title: string, state: State, text: string): void {
  $('title').textContent = title;
  const badge = $('status');
  badge.className = `badge ${state}`;
  badge.textContent = text;
}

let idleWaiters: (() => void)[] = [];
/** resolves once nothing runs (a file dropped during a run waits for it) */
const whenIdle = (): Promise<void> => (busy ? new Promise((r) => idleWaiters.push(r)) : Promise.resolve());

function setBusy(b: boolean): void {
  busy = b;
  if (!b) {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }
  for (const button of buttons) button.disabled = b;
  $('drop').classList.toggle('disabled', b);
}

const seconds = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);
const kib = (n: number): string => `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KiB`;

/** runs `prog` in a worker with live output; reports the exit status in the terminal and the badge */
async function runLive(prog: ElfProgram, title: string, args: string[] = []): Promise<RunResult | undefined> {
  status(title, 'running', 'running');
  const t0 = performance.now();
  try {
    const result = await prog.run({
      args,
      env: { HOME: '/', TERM: 'xterm-256color', LANG: 'C.UTF-8' },
      worker: true,
      onStdout: (text) => term.write(text),
      onStderr: (text) => term.write(c.red(text)),
    });
    shown.push({ title, stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode });
    const took = seconds(performance.now() - t0);
    const ok = result.exitCode === 0;
    term.write(c.dim(`\n[${title} exited with status ${result.exitCode} after ${took}]\n`));
    status(title, ok ? 'done' : 'failed', `exit ${result.exitCode} · ${took}`);
    return result;
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    shown.push({ title, error });
    term.write(c.red(`\n${error}\n`));
    status(title, 'failed', 'error');
    return undefined;
  }
}

// ── nn.elf ─────────────────────────────────────────────────────────────────────────────────────

async function runNn(): Promise<void> {
  if (busy) return;
  setBusy(true);
  leaveCalc();
  clearScreen();
  term.write(c.dim('$ ') + c.bold('./nn.elf') + c.dim('   # AArch64 ELF → WebAssembly, running in a Web Worker\n'));
  await runLive(nn, 'nn.elf');
  setBusy(false);
  term.write(`\n${c.cyan('Try the calculator:')} type an expression, e.g. ${c.bold('x = 2^10')} then ${c.bold('sqrt(x) + ans')}\n`);
  if (busybox) term.write(`${c.cyan('Or a shell:')} the ${c.bold('Shell')} button starts busybox sh\n`);
  enterCalc(false);
}

// ── busybox sh: an interactive shell on a terminal ────────────────────────────────────────────

let shell: RunningProgram | undefined;

async function runShell(): Promise<void> {
  if (busy) return;
  if (!busybox) {
    term.write(c.red('\nNo shell: test/.debian/bin/busybox was not fetched (see what `npm run playground` printed).\n'));
    return;
  }
  setBusy(true);
  leaveCalc();
  clearScreen();
  // the terminal's line discipline writes "\r\n" itself (ONLCR); raw-mode programs mean their "\n"
  term.options.convertEol = false;
  status('busybox sh', 'input', 'interactive');
  term.write(c.dim('busybox sh, Debian\'s arm64 build translated to WebAssembly. Try ls -l, cat poem.txt | wc -w,\r\n'));
  term.write(c.dim('echo $(seq 3), sort -t, -k2 -n data.csv, yes then Ctrl-C, vi notes.txt; exit leaves.\r\n\r\n'));
  shellState.output = '';
  shellState.running = true;
  const t0 = performance.now();
  try {
    const run = busybox.run({
      args: ['sh'],
      env: SHELL_ENV,
      files: SHELL_FILES,
      cwd: SHELL_HOME,
      uid: SHELL_UID,
      terminal: { columns: term.cols, rows: term.rows },
      worker: true,
      onStdout: (text) => {
        shellState.output += text;
        term.write(text);
      },
    });
    shell = run;
    term.focus();
    const result = await run;
    shown.push({ title: 'busybox sh', stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode });
    term.write(c.dim(`\r\n[sh exited with status ${result.exitCode} after ${seconds(performance.now() - t0)}]\r\n`));
    status('busybox sh', result.exitCode === 0 ? 'done' : 'failed', `exit ${result.exitCode}`);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    shown.push({ title: 'busybox sh', error });
    term.write(c.red(`\r\n${error}\r\n`));
    status('busybox sh', 'failed', 'error');
  }
  shell = undefined;
  shellState.running = false;
  term.options.convertEol = true;
  setBusy(false);
}

term.onResize(({ cols, rows }) => shell?.resize(cols, rows));
// mouse reports and other non-UTF-8 input (xterm.js gives them as a string of bytes)
term.onBinary((data) => shell?.write(Uint8Array.from(data, (ch) => ch.charCodeAt(0))));

// ── calc.elf: a REPL over a program that reads all of stdin at once ───────────────────────────

const PROMPT = `\x1b[1;36mcalc\x1b[0;36m›\x1b[0m `;
let calcMode = false;
let line = '';
let session: string[] = []; // the lines so far: replayed as stdin, so variables persist
let recall: string[] = [];
let recallAt = 0;

function enterCalc(fresh: boolean): void {
  if (fresh) {
    clearScreen();
    session = [];
    term.write(c.dim('calc.elf: numbers, + - * / % ^, ( ), variables (x = 3), ans, pi, e,\n'));
    term.write(c.dim('sqrt sin cos tan exp ln log abs floor ceil. "clear" starts over.\n\n'));
  }
  calcMode = true;
  line = '';
  status('calc.elf', 'input', 'waiting for input');
  term.write(PROMPT);
  term.focus();
}

function leaveCalc(): void {
  calcMode = false;
  line = '';
}

async function submit(): Promise<void> {
  const input = line.trim();
  line = '';
  term.write('\r\n');
  if (!input) return void term.write(PROMPT);
  recall.push(input);
  recallAt = recall.length;
  if (input === 'clear') return enterCalc(true);
  session.push(input);
  setBusy(true);
  status('calc.elf', 'running', 'running');
  const stdin = `${session.join('\n')}\n`;
  const t0 = performance.now();
  try {
    const { stdout, stderr, exitCode } = await calc.run({ stdin, worker: true });
    shown.push({ title: 'calc.elf', stdin, stdout, stderr, exitCode });
    const answer = stdout.trimEnd().split('\n').at(-1) ?? '';
    if (answer.startsWith('error:')) {
      session.pop(); // keep the replayed session clean
      term.write(`${c.red(answer)}\n`);
    } else {
      // an assignment answers "x = 1024", an expression just the value
      term.write(answer.includes(' = ') ? `${c.green('→ ')}${c.bold(answer)}\n` : `${c.green('= ')}${c.bold(answer)}\n`);
    }
    if (stderr) term.write(c.red(stderr));
    status('calc.elf', exitCode === 0 ? 'input' : 'failed', `exit ${exitCode} · ${seconds(performance.now() - t0)}`);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    shown.push({ title: 'calc.elf', stdin, error });
    term.write(c.red(`${error}\n`));
    status('calc.elf', 'failed', 'error');
  }
  setBusy(false);
  if (calcMode) term.write(PROMPT);
}

function replaceLine(text: string): void {
  term.write('\b \b'.repeat([...line].length));
  line = text;
  term.write(text);
}

term.onData((data) => {
  if (shell) return void shell.write(data);
  if (!calcMode || busy) return;
  if (data === '\r') return void submit();
  if (data === '\x7f' || data === '\b') {
    if (line) {
      line = [...line].slice(0, -1).join('');
      term.write('\b \b');
    }
    return;
  }
  if (data === '\x03') { // ^C
    line = '';
    term.write('^C\r\n' + PROMPT);
    return;
  }
  if (data === '\x0c') return void enterCalc(true); // ^L
  if (data === '\x1b[A' && recallAt > 0) return replaceLine(recall[--recallAt]!);
  if (data === '\x1b[B' && recallAt < recall.length) {
    recallAt++;
    return replaceLine(recall[recallAt] ?? '');
  }
  if (data.startsWith('\x1b')) return; // other keys: ignored
  // typed or pasted text; a pasted newline submits
  const [first, ...rest] = data.split(/\r\n|\r|\n/);
  const printable = (first ?? '').replace(/[\x00-\x1f]/g, '');
  line += printable;
  term.write(printable);
  if (rest.length) void submit();
});

// ── a dropped ELF: translated in a worker, then run ───────────────────────────────────────────

let translator: Worker | undefined;

/** translates in the worker (started on first use, then kept: the translator loads once); `bytes` is transferred */
function translateOffThread(bytes: Uint8Array): Promise<Translation> {
  const worker = (translator ??= new Worker(new URL('./translate-worker.ts', import.meta.url), { type: 'module' }));
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<TranslateReply>) => ('error' in data ? reject(new Error(data.error)) : resolve(data));
    worker.onerror = (e) => {
      // the script failed to load or crashed: the next file starts a fresh worker
      worker.terminate();
      translator = undefined;
      reject(new Error(`the translator failed: ${e.message || 'its worker did not load'}`));
    };
    worker.postMessage(bytes, [bytes.buffer]);
  });
}

async function runDropped(file: File): Promise<void> {
  while (busy) await whenIdle();
  setBusy(true);
  leaveCalc();
  clearScreen();
  const name = file.name.replace(/\.[^.]*$/, '') || 'program';
  const args = ($<HTMLInputElement>('args').value.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((a) => a.replace(/^(["'])(.*)\1$/, '$2'));
  term.write(c.dim('$ ') + c.bold(`./${file.name}`) + (args.length ? ` ${args.join(' ')}` : '') + '\n');
  status(file.name, 'running', 'translating');
  if (!translator) term.write(c.dim('loading the translator (~0.3 MB, once)…\n'));
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    // the page stays live meanwhile: a short line (so that it never wraps) counting the seconds
    const t0 = performance.now();
    const tick = (): void => term.write(`\r\x1b[K${c.dim(`translating ${kib(file.size)} of AArch64 code… ${seconds(performance.now() - t0)}`)}`);
    tick();
    const ticker = setInterval(tick, 100);
    const { wasm, meta, millis } = await translateOffThread(bytes).finally(() => clearInterval(ticker));
    term.write(`\r\x1b[K${c.cyan(file.name)}: ${meta.stats.functions} functions, ${meta.stats.instructions} instructions → ${c.bold(kib(wasm.byteLength))} wasm, translated in ${c.bold(seconds(millis))}\n\n`);
    await runLive(createProgram(name, { bytes: wasm, meta }), file.name, args);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    shown.push({ title: file.name, error });
    term.write(`\r\x1b[K${c.red(error)}\n`);
    status(file.name, 'failed', 'not translated');
  }
  setBusy(false);
}

const overlay = $('overlay');
let depth = 0;
const hasFiles = (e: DragEvent): boolean => [...(e.dataTransfer?.types ?? [])].includes('Files');
window.addEventListener('dragenter', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  depth++;
  overlay.classList.add('shown');
});
window.addEventListener('dragleave', () => {
  if (--depth <= 0) { depth = 0; overlay.classList.remove('shown'); }
});
window.addEventListener('dragover', (e) => { if (hasFiles(e)) e.preventDefault(); });
window.addEventListener('drop', (e) => {
  e.preventDefault();
  depth = 0;
  overlay.classList.remove('shown');
  const file = e.dataTransfer?.files[0];
  if (file) void runDropped(file);
});
$<HTMLInputElement>('file').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (file) void runDropped(file);
});

$('run-shell').addEventListener('click', () => void runShell());
$('run-nn').addEventListener('click', () => void runNn());
$('run-calc').addEventListener('click', () => {
  if (!busy) enterCalc(true);
});

// the page starts with the neural net, or with the shell for index.html#shell
if (location.hash === '#shell') void runShell();
else void runNn();
