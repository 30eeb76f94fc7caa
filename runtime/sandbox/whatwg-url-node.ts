/**
 * Stands in for the `whatwg-url` package in the Lambda bundles (lib/asset-bundler.ts aliases it here).
 * node-fetch 2 requires it at load but only uses it where Node has no URL class (`Url.URL ||
 * whatwgUrl.URL`), i.e. never on Node ≥ 10; the real package drags in tr46's ~265 KB mapping table,
 * about 40 % of the destination layer and ~40 ms of its cold start (bench/RESULTS.md).
 */
export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;
