// Stands in for `node:module` where binaryen imports it (an app that bundles the package's main
// entry, whose translate() optimises with binaryen; the run-time lifter no longer carries it): its
// Emscripten start-up imports node:module only when it runs under Node, but browser bundlers must
// resolve the import anyway. Under Node this is the real createRequire.
const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => { createRequire?: unknown } | undefined } })
  .process?.getBuiltinModule?.('node:module');

export const createRequire = builtin?.createRequire;
