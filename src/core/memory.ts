import v8 from 'v8';

/**
 * The application's garbage collection policy: how far V8 lets the heap grow past what a full collection
 * kept alive before the next one. V8's own factor rises up to 4 when the code allocates fast; with
 * Strapi's own live heap (about 200 MB), a long write (an import, the tax receipts) then holds hundreds
 * of MB of garbage not yet collected. A fixed factor of 1 + percent/100 bounds that, for a few percent
 * more CPU (docs/PERFORMANCE.md). V8 reads the flag at each limit it computes, so setting it once the
 * application has started is enough; it applies to the whole process (worker threads too). 0: V8's own policy.
 */
export const applyHeapPolicy = (percent: number) => {
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
};
