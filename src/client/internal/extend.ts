// A copy of an object with some keys set, for the objects every call makes
// (call options at each middleware, batch items, log fields).
//
// `{ ...base, key }` is the obvious spelling, but on Node 20's V8 an object
// literal that adds keys after a spread gets a hidden class of its own each
// time it runs, so the copy is slower and every later read of its properties
// (in each middleware, nice-grpc, grpc-js) misses the inline caches.
// Object.assign into a fresh object reuses one hidden class (figures in
// bench/findings.md).

/** `{ ...base, ...changes }`, without a new hidden class per call. */
export function extend<T extends object, U extends object>(base: T, changes: U): Omit<T, keyof U> & U {
  return Object.assign({}, base, changes);
}
