// The playground end to end: `vite build` of playground/ (its own vite.config.ts), served
// statically and driven in Debian's chromium like a person would: the nn demo runs on load, the
// calculator is typed into the terminal, and files are dropped / chosen for in-browser translation
// (in the page's translator worker). What each run printed is read from the page's plain-text
// record of its runs (`window.playground.runs`, kept by playground/src/main.ts) and, for what the
// terminal shows, from xterm's buffer through its API.
//
// Expected outputs are recorded from qemu-aarch64 by `npm run fixtures` (scripts/fixtures.mjs):
// test/fixtures/expected/playground/nn.json (nn.elf with the page's environment) and
// calc-session.json (calc.elf with the typed session as stdin); a dropped hello-musl with the
// arguments `one "two three"` is compared with test/fixtures/expected/hello-musl/args.json.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveDir } from './app.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures');

interface Expected { stdout: string; stderr: string; status: number }
const expected = (file: string): Expected => JSON.parse(readFileSync(join(FIXTURES, 'expected', file), 'utf8')) as Expected;
const nn = expected('playground/nn.json');
const calc = expected('playground/calc-session.json');
const hello = expected('hello-musl/args.json');
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
  it('loads binaryen (the translator) in its worker only', () => {
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
    expect(statSync(join(outDir, 'assets', translator)).size).toBeGreaterThan(5e6);
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
    const bytes = readFileSync(join(FIXTURES, 'bin/hello-musl')).toString('base64');
    // a drop as the browser delivers it: a DragEvent whose DataTransfer holds the file
    await page.evaluate((b64) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], 'hello-musl'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, bytes);
    // the page stays live while the worker loads binaryen and translates (seconds): its
    // elapsed-time line counts on (a frozen page would show nothing until the end)
    await expect.poll(screen, { timeout: 20_000, interval: 50 }).toMatch(/\ntranslating [\d.]+ KiB of AArch64 code… (?:[5-9]\d\d ms|[\d.]+ s)$/);
    expect(await run(4, 120_000)).toEqual(asShown('hello-musl', hello));
    expect(requested).toContainEqual(expect.stringMatching(/\/assets\/translate-worker-[\w-]+\.js$/));
    expect(requested).toContainEqual(expect.stringMatching(/\/assets\/translate-(?!worker-)[\w-]+\.js$/));
    expect(await badge()).toEqual({ state: 'done', text: expect.stringMatching(/^exit 0 · /) });
    const shown = await screen();
    expect(shown).toMatch(/^\$ \.\/hello-musl one two three\n/);
    expect(shown).toMatch(/\nhello-musl: \d+ functions, \d+ instructions → [\d.]+ KiB wasm, translated in /);
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
