// Making guest memory read as zero without committing host memory for it.
//
// Linux gives a new mapping fresh zero pages and drops an unmapped one's; a Wasm memory can do
// neither, so a range handed out again must be cleared. A plain fill writes every page, which
// commits it on the host: mapping 3 GiB, unmapping and mapping it again cost ~3 s and 3 GB of RSS
// though the program had touched two pages. Reading costs no host memory (an untouched page reads
// as the kernel's shared zero page), so the range is scanned and only pages holding a non-zero
// byte are filled. The scan is a small Wasm function (16 bytes a load, ~10 times a JS loop's speed).

/**
 * (module
 *  (import "m" "memory" (memory 0))
 *  ;; zero those of the `pages` 4 KiB pages from `at` that hold a non-zero byte
 *  (func (export "clear") (param $at i32) (param $pages i32)
 *   (local $p i32) (local $q i32)
 *   (block $done
 *    (loop $page
 *     (br_if $done (i32.eqz (local.get $pages)))
 *     (local.set $p (local.get $at))
 *     (local.set $q (i32.add (local.get $at) (i32.const 4096)))
 *     (block $dirty
 *      (loop $words
 *       (br_if $dirty (v128.any_true (v128.or
 *         (v128.or (v128.load (local.get $p)) (v128.load offset=16 (local.get $p)))
 *         (v128.or (v128.load offset=32 (local.get $p)) (v128.load offset=48 (local.get $p))))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 64)))
 *       (br_if $words (i32.ne (local.get $p) (local.get $q))))
 *      (local.set $at (local.get $q))
 *      (local.set $pages (i32.sub (local.get $pages) (i32.const 1)))
 *      (br $page))
 *     (memory.fill (local.get $at) (i32.const 0) (i32.const 4096))
 *     (local.set $at (local.get $q))
 *     (local.set $pages (i32.sub (local.get $pages) (i32.const 1)))
 *     (br $page))))
 * )
 * A page count rather than an end address: the last page ends at 2^32, which no i32 holds.
 */
const CLEAR_MODULE =
  '0061736d0100000001060160027f7f00020d01016d066d656d6f72790200000302010007090105636c65617200000a79' +
  '017701027f024003402001450d012000210220004180206a2103024003402002fd0004002002fd000410fd502002fd00' +
  '04202002fd000430fd50fd50fd530d01200241c0006a210220022003470d000b20032100200141016b21010c010b2000' +
  '4100418020fc0b0020032100200141016b21010c000b000b0b';

const PAGE = 4096;
/** below this a range is filled directly: the scan's call does not pay for itself */
const SCAN_MIN = 16 * PAGE;

const clearers = new WeakMap<WebAssembly.Memory, (at: number, pages: number) => void>();
let compiled: WebAssembly.Module | undefined;

function clearer(memory: WebAssembly.Memory): (at: number, pages: number) => void {
  let clear = clearers.get(memory);
  if (!clear) {
    if (!compiled) {
      const bytes = new Uint8Array(CLEAR_MODULE.length / 2);
      for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(CLEAR_MODULE.slice(2 * i, 2 * i + 2), 16);
      // 169 bytes: compiled synchronously even on a browser's main thread, once (every process has a memory of its own)
      compiled = new WebAssembly.Module(bytes);
    }
    const instance = new WebAssembly.Instance(compiled, { m: { memory } });
    clear = instance.exports.clear as (at: number, pages: number) => void;
    clearers.set(memory, clear);
  }
  return clear;
}

/** Makes [start, end) of `memory` read as zero, writing only to pages that do not already. */
export function zeroFill(memory: WebAssembly.Memory, start: number, end: number): void {
  if (end <= start) return;
  const first = Math.ceil(start / PAGE) * PAGE, last = Math.floor(end / PAGE) * PAGE;
  if (end - start < SCAN_MIN || last <= first) {
    new Uint8Array(memory.buffer).fill(0, start, end);
    return;
  }
  const u8 = new Uint8Array(memory.buffer);
  u8.fill(0, start, first);
  u8.fill(0, last, end);
  // the page address as an i32 (the export takes signed values; the module reads them unsigned)
  clearer(memory)(first | 0, (last - first) / PAGE);
}
