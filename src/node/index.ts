// Node-only helpers: run a translated program with the host's stdio and filesystem; a disk cache.
export { runNode, type NodeRunOptions } from './run.ts';
export { Namespace, parseMount, type Mount } from './namespace.ts';
export { translateCached, defaultCacheDir, defaultCacheSize, cacheKey, listCache, cleanCache, evict, parseSize, type CacheOptions, type CacheEntry, type Translator } from './cache.ts';
export { configureV8 } from './engine.ts';
export { learnedPathFor, readLearned, recordLearned } from './learned.ts';
