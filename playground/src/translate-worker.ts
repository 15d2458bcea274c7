// The in-page translator, off the page's thread: a large program translates for seconds, which
// on the main thread would freeze the terminal. One worker serves every dropped file, so the
// translator loads once. A request is the ELF's bytes (transferred).
import type { Translation } from '../../src/translate.ts';

/** the reply: the translation (its wasm transferred) or a one-line error for the terminal */
export type TranslateReply = Translation | { error: string };

// imported, not statically: a module worker that is still evaluating its imports drops the
// messages posted to it (the first file would never answer)
const translator = import('../../src/translate.ts');

self.onmessage = async ({ data }: MessageEvent<Uint8Array>) => {
  let reply: TranslateReply;
  try {
    reply = (await translator).translate(data);
  } catch (e) {
    // ElfFormatError messages are written for the person who dropped the file: shown as they are
    reply = { error: e instanceof Error ? e.message : String(e) };
  }
  self.postMessage(reply, { transfer: 'wasm' in reply ? [reply.wasm.buffer] : [] });
};
