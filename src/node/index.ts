// Node-only helpers: run a translated program with the host's stdio and filesystem; a disk cache.
export { runNode, type NodeRunOptions } from './run.ts';
export { Namespace, parseMount, type Mount } from './namespace.ts';
export { translateCached, defaultCacheDir, cacheKey } from './cache.ts';
export { configureV8 } from './engine.ts';
export { learnedPathFor, readLearned, recordLearned } from './learned.ts';
