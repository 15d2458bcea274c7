/** Bumped whenever generated code changes meaning: part of every cache key. */
export const TRANSLATOR_VERSION = '0.1.0-5';
