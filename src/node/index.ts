// Node-only helpers: run a translated program with the host's stdio and filesystem; a disk cache.
export { runNode, type NodeRunOptions } from './run.ts';
export { Namespace, parseMount, type Mount } from './namespace.ts';
export { libraryImages, type LibraryLoading } from './libraries.ts';
export { translateCached, translateLibraryCached, defaultCacheDir, defaultCacheSize, cacheKey, listCache, cleanCache, evict, parseSize, type CacheOptions, type CacheEntry, type Translator, type LibraryTranslator } from './cache.ts';
export { configureV8 } from './engine.ts';
export { translateInThread, type ThreadOptions } from './translate-thread.ts';
export { learnedPathFor, readLearned, recordLearned } from './learned.ts';
