// The JavaScript module that stands for one .elf import. It imports only the program API, never
// the translator, so binaryen stays out of browser bundles.

/** `urlExpression` is a JS expression evaluating to the .wasm URL (bundler-specific) */
export function loaderSource(name: string, urlExpression: string): string {
  return [
    "import { createProgram } from 'unplugin-elf/program';",
    `export default createProgram(${JSON.stringify(name)}, { url: ${urlExpression} });`,
    '',
  ].join('\n');
}

/** a data: URL for inlined translations (fetch() decodes it in browsers and in Node) */
export function dataUrl(wasm: Uint8Array): string {
  return JSON.stringify(`data:application/wasm;base64,${Buffer.from(wasm).toString('base64')}`);
}
