// The playground end to end: `vite build` of playground/ (its own vite.config.ts), served
// statically and driven in Debian's chromium like a person would: the nn demo runs on load, the
// calculator is typed into the terminal, and files are dropped / chosen for in-browser translation
// (in the page's translator worker). What each run printed is read from the page's plain-text
// record of its runs (`window.playground.runs`, kept by playground/src/main.ts) and, for what the
// terminal shows, from xterm's buffer through its API.
//
// Expected outputs are recorded from qemu-aarch64 by `npm run fixtures` (scripts/fixtures.mjs):
// test/fixtures/expected/playground/nn.json (nn.elf with the page's environment) and
// calc-session.json (calc.elf with the typed session as stdin); a dropped hello-glibc (89k
// instructions: a translation long enough to watch) with the arguments `one "two three"` is
// compared with test/fixtures/expected/hello-glibc/args.json.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ptyHost, type KeyStep } from '../helpers/pty-host.ts';
import { realBinary } from '../helpers/real.ts';
import { launchChromium, serveDir } from './app.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures');

interface Expected { stdout: string; stderr: string; status: number }
const expected = (file: string): Expected => JSON.parse(readFileSync(join(FIXTURES, 'expected', file), 'utf8')) as Expected;
const nn = expected('playground/nn.json');
const calc = expected('playground/calc-session.json');
const hello = expected('hello-glibc/args.json');
/** the session typed into the calculator: what calc-session.json was recorded with as stdin */
const SESSION = ['x = 2^10', 'sqrt(x) + ans'];

/** a run as the page records it (playground/src/main.ts) */
interface Shown { title: string; stdin?: string; stdout?: string; stderr?: string; exitCode?: number; error?: string }
const asShown = (title: string, e: Expected, stdin?: string): Shown => ({ title, ...(stdin === undefined ? {} : { stdin }), stdout: e.stdout, stderr: e.stderr, exitCode: e.status });

let outDir: string;
let cacheDir: string;
let server: { origin: string; close(): Promise<void> } | undefined;
let browser: Browser | undefined;
let page: Page;
const problems: string[] = [];
const requested: string[] = [];

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'playground-'));
  // a fresh translation cache: a stale one would serve an older translator's output
  cacheDir = mkdtempSync(join(tmpdir(), 'playground-cache-'));
  process.env.PLAYGROUND_CACHE_DIR = cacheDir;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'playground/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  server = await serveDir(outDir);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`${server.origin}/index.html`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

// --- reading the page ---------------------------------------------------------------------------

const runs = (): Promise<Shown[]> => page.evaluate(() => (window as unknown as { playground: { runs: Shown[] } }).playground.runs);

/** waits until the page has recorded `n` runs (a run, or a file that failed to translate) */
async function run(n: number, timeout: number): Promise<Shown> {
  try {
    await page.waitForFunction((n) => ((window as { playground?: { runs: unknown[] } }).playground?.runs.length ?? 0) >= n, n, { timeout });
  } catch (e) {
    throw new Error(`run ${n} did not finish: ${e instanceof Error ? e.message : String(e)}\nterminal:\n${await screen()}\n${problems.join('\n')}`);
  }
  return (await runs())[n - 1]!;
}

/** the terminal's text (scrollback included), read through xterm's buffer API: wrapped rows
 *  joined, lines trimmed (spaces written with a background colour are cells like any other) */
function screen(): Promise<string> {
  return page.evaluate(() => {
    type Line = { isWrapped: boolean; translateToString(trimRight: boolean): string };
    const { term } = (window as unknown as { playground: { term: { buffer: { active: { length: number; getLine(i: number): Line | undefined } } } } }).playground;
    const buffer = term.buffer.active;
    let text = '';
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (!line) continue;
      text += (i && !line.isWrapped ? '\n' : '') + line.translateToString(true);
    }
    return text.split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();
  });
}

/** the title bar's badge: its state (class) and text */
const badge = (): Promise<{ state: string; text: string }> =>
  page.$eval('#status', (el) => ({ state: el.className.replace(/^badge\s*/, ''), text: el.textContent ?? '' }));

/** stdout as screen() reads it back: the text without its colour escapes, lines trimmed */
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();

// --- the tests ----------------------------------------------------------------------------------

describe('the playground (vite build) in chromium', () => {
  it('loads the translator in its worker only, without binaryen (which only optimises, at -O1 and up)', () => {
    const assets = readdirSync(join(outDir, 'assets'));
    const one = (re: RegExp): string => {
      const found = assets.filter((f) => re.test(f));
      expect(found, `${re} in ${assets.join(' ')}`).toHaveLength(1);
      return found[0]!;
    };
    const main = one(/^index-[\w-]+\.js$/);
    const worker = one(/^translate-worker-[\w-]+\.js$/);
    const translator = one(/^translate-(?!worker-)[\w-]+\.js$/);
    const text = (f: string): string => readFileSync(join(outDir, 'assets', f), 'utf8');
    expect(text(main)).toContain(worker);
    expect(text(main)).not.toContain(translator);
    expect(text(worker)).toContain(translator);
    // the translator is ours alone: decoder, lifter, encoder (binaryen was 13 MB of it)
    expect(statSync(join(outDir, 'assets', translator)).size).toBeGreaterThan(1e5);
    expect(assets.every((f) => statSync(join(outDir, 'assets', f)).size < 2e6 || f.endsWith('.wasm') || f.endsWith('.elf'))).toBe(true);
    expect(text(translator)).not.toMatch(/BinaryenModuleCreate/);
    expect(statSync(join(outDir, 'assets', main)).size).toBeLessThan(1e6);
  });

  it('runs nn.elf on load and shows what qemu-aarch64 printed', async () => {
    expect(await run(1, 90_000)).toEqual(asShown('nn.elf', nn));
    const shown = await screen();
    expect(shown).toContain(plain(nn.stdout));
    // the badge has moved on to the calculator (below): the exit status is in the terminal
    expect(shown).toMatch(/\n\[nn\.elf exited with status 0 after [\d.]+ m?s\]\n/);
  });

  it('answers the calculator typed into the terminal as qemu-aarch64 did', async () => {
    expect(await badge()).toEqual({ state: 'input', text: 'waiting for input' });
    await page.click('#terminal');
    const answers = calc.stdout.trimEnd().split('\n');
    for (const [i, line] of SESSION.entries()) {
      await page.keyboard.type(line, { delay: 10 });
      await page.keyboard.press('Enter');
      const stdin = `${SESSION.slice(0, i + 1).join('\n')}\n`;
      // calc answers each line with one line, and the page replays the session so far as stdin
      const want = i === SESSION.length - 1 ? calc : { ...calc, stdout: `${answers.slice(0, i + 1).join('\n')}\n` };
      expect(await run(2 + i, 30_000)).toEqual(asShown('calc.elf', want, stdin));
    }
    const shown = await screen();
    // an assignment's answer is shown after "→", a value's after "="
    expect(shown).toContain(`calc› ${SESSION[0]}\n→ ${answers[0]}\ncalc› ${SESSION[1]}\n= ${answers[1]}\ncalc›`);
    expect(await badge()).toEqual({ state: 'input', text: expect.stringMatching(/^exit 0 · /) });
  });

  it('translates a dropped ELF in its worker and runs it as qemu-aarch64 did', async () => {
    await page.fill('#args', 'one "two three"');
    const bytes = readFileSync(join(FIXTURES, 'bin/hello-glibc')).toString('base64');
    // a drop as the browser delivers it: a DragEvent whose DataTransfer holds the file
    await page.evaluate((b64) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], 'hello-glibc'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, bytes);
    // the page stays live while the worker loads the translator and translates (a second or so): its
    // elapsed-time line counts on (a frozen page would show nothing until the end)
    await expect.poll(screen, { timeout: 20_000, interval: 50 }).toMatch(/\ntranslating [\d.]+ KiB of AArch64 code… (?:[5-9]\d\d ms|[\d.]+ s)$/);
    expect(await run(4, 120_000)).toEqual(asShown('hello-glibc', hello));
    expect(requested).toContainEqual(expect.stringMatching(/\/assets\/translate-worker-[\w-]+\.js$/));
    expect(requested).toContainEqual(expect.stringMatching(/\/assets\/translate-(?!worker-)[\w-]+\.js$/));
    expect(await badge()).toEqual({ state: 'done', text: expect.stringMatching(/^exit 0 · /) });
    const shown = await screen();
    expect(shown).toMatch(/^\$ \.\/hello-glibc one two three\n/);
    expect(shown).toMatch(/\nhello-glibc: \d+ functions, \d+ instructions → [\d.]+ KiB wasm, translated in /);
    expect(shown).toContain(plain(hello.stdout));
  });

  it('shows why a chosen x86-64 ELF is not translated', async () => {
    await page.setInputFiles('#file', join(FIXTURES, 'elf/x86-64-head'));
    expect(await run(5, 30_000)).toEqual({ title: 'x86-64-head', error: 'x86-64 ELF: only AArch64 is supported' });
    expect(await badge()).toEqual({ state: 'failed', text: 'not translated' });
    expect(await screen()).toContain('\nx86-64 ELF: only AArch64 is supported');
  });

  it('reported no page errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});

// --- the shell (index.html#shell) -----------------------------------------------------------------

/** the commands typed into the shell; `yes` is ended by ^C */
const SHELL_COMMANDS = ['ls / | wc -l', 'echo $(seq 3)', 'yes', 'echo $?'];
/** where busybox's prompt (the page's PS1) begins: after a command's output */
const PROMPT_START = '\x1b[1;32m';
/** what busybox's line editing writes after each prompt: where is the cursor? */
const QUERY = '\x1b[6n';

/**
 * What each command printed, from the shell's screen output: the text after the command line's
 * echo (and the Enter) up to the next prompt. The prompts themselves are not compared: busybox
 * asks the terminal where its cursor is (ESC [ 6 n) at each prompt and xterm.js answers while a
 * pty under script(1) does not, and its `\w` shows the working directory, which qemu-aarch64 -L
 * sees under the replica's path. `yes` prints "y" lines until ^C: their number depends on timing,
 * so its output is compared without them (and without a "y" the ^C echo may cut).
 */
function commandOutputs(screen: string): string[] {
  let from = 0;
  return SHELL_COMMANDS.map((cmd) => {
    const echoed = screen.indexOf(`${cmd}\r\n`, from);
    if (echoed < 0) throw new Error(`the screen does not show ${JSON.stringify(cmd)} typed: ${JSON.stringify(screen.slice(from))}`);
    const start = echoed + cmd.length + 2;
    const end = screen.indexOf(PROMPT_START, start);
    from = end;
    const out = screen.slice(start, end < 0 ? undefined : end);
    // whatever yes wrote before the ^C echo, a partial last line included ("y", "y\r" on either side)
    return cmd === 'yes' ? out.replace(/^[y\r\n]*(?=\^C)/, '') : out;
  });
}

describe("the playground's shell (busybox sh on the program API's terminal) in chromium", () => {
  let shellPage: Page;
  let replica: string;
  beforeAll(async () => {
    shellPage = await (await browser!.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    shellPage.on('pageerror', (e) => problems.push(`shell pageerror: ${e.message}`));
    await shellPage.goto(`${server!.origin}/index.html#shell`);
    // qemu-aarch64 -L makes the guest's / a directory: one with the entries the page's file system
    // has at its root (the run's files, the registered programs, the runtime's /dev)
    replica = mkdtempSync(join(tmpdir(), 'playground-root-'));
    const { SHELL_FILES } = await import('../../playground/src/shell-files.ts');
    const { shellPrograms, BUSYBOX } = await import('../../playground/shell-config.ts');
    const files: Record<string, string> = { ...SHELL_FILES, ...Object.fromEntries(Object.keys(shellPrograms(BUSYBOX) ?? {}).map((p) => [p, ''])), '/dev/': '' };
    for (const [path, text] of Object.entries(files)) {
      const host = join(replica, path);
      if (path.endsWith('/')) mkdirSync(host, { recursive: true });
      else {
        mkdirSync(dirname(host), { recursive: true });
        writeFileSync(host, text);
      }
    }
  }, 60_000);
  afterAll(() => { if (replica) rmSync(replica, { recursive: true, force: true }); });

  const shellOutput = (): Promise<string> => shellPage.evaluate(() => (window as unknown as { playground: { shell: { output: string } } }).playground.shell.output);
  /** waits until the shell's output shows `n` prompts */
  const prompts = async (n: number, timeout: number): Promise<void> => {
    await expect.poll(async () => (await shellOutput()).split(PROMPT_START).length - 1, { timeout, interval: 100 }).toBeGreaterThanOrEqual(n);
  };

  it('types ls / | wc -l, echo $(seq 3) and yes then Ctrl-C, and shows what busybox sh shows under qemu-aarch64', async () => {
    const { SHELL_ENV } = await import('../../playground/src/shell-files.ts');
    // each prompt ends with busybox's cursor query (its "$" is "#" for qemu, which runs as root here)
    const steps: KeyStep[] = [
      { after: QUERY, send: `${SHELL_COMMANDS[0]}\r` },
      { after: QUERY, send: `${SHELL_COMMANDS[1]}\r` },
      { after: QUERY, send: 'yes\r' },
      { after: 'y\r\ny\r\n', send: '\x03', settle: 300 },
      { after: QUERY, send: `${SHELL_COMMANDS[3]}\r` },
      { after: QUERY, send: 'exit\r' },
    ];
    const expected = await ptyHost('qemu-aarch64', ['-L', replica, realBinary('busybox'), 'sh'], steps, { cwd: join(replica, 'home/user'), env: SHELL_ENV, columns: 80, rows: 24 });
    const want = commandOutputs(expected.screen);
    // the reference itself: a count, seq's numbers, and yes ended by SIGINT (status 130)
    expect(want[0]).toMatch(/^\d+\r\n$/);
    expect(want[1]).toBe('1 2 3\r\n');
    expect(want[3]).toBe('130\r\n');

    await prompts(1, 180_000); // busybox is fetched and compiled, and the shell starts
    await shellPage.click('#terminal');
    for (const [i, cmd] of SHELL_COMMANDS.entries()) {
      await shellPage.keyboard.type(cmd, { delay: 5 });
      await shellPage.keyboard.press('Enter');
      if (cmd === 'yes') {
        await expect.poll(async () => (await shellOutput()).split('y\r\n').length, { timeout: 30_000 }).toBeGreaterThan(100);
        await shellPage.keyboard.press('Control+C');
      }
      await prompts(i + 2, 60_000);
    }
    expect(commandOutputs(await shellOutput())).toEqual(want);
    await shellPage.keyboard.type('exit', { delay: 5 });
    await shellPage.keyboard.press('Enter');
    await expect.poll(shellOutput, { timeout: 30_000 }).toMatch(/exit\r\n$/);
    const shown = (): Promise<Shown[]> => shellPage.evaluate(() => (window as unknown as { playground: { runs: Shown[] } }).playground.runs);
    await expect.poll(async () => (await shown()).at(-1)).toMatchObject({ title: 'busybox sh', exitCode: 0 });
    expect(problems).toEqual([]);
  }, 300_000);
});
