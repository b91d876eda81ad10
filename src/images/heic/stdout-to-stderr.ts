/** Imported first by the decoding thread: anything printed there goes to stderr, never stdout. */
console.log = console.error;
console.info = console.error;
