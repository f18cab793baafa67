import v8 from 'v8';
import vm from 'vm';

/**
 * The application's garbage collection policy: how far V8 lets the heap grow past what a full collection
 * kept alive before the next one. V8's own factor rises up to 4 when the code allocates fast; with
 * Strapi's own live heap (about 200 MB), a long write (an import, the tax receipts) then holds hundreds
 * of MB of garbage not yet collected. A fixed factor of 1 + percent/100 bounds that, for a few percent
 * more CPU (docs/PERFORMANCE.md). V8 reads the flag at each limit it computes; it applies to the whole
 * process (worker threads too). 0: V8's own policy.
 *
 * Set once the application has started, followed by one full collection: the next limit is then computed
 * under the policy from what the start-up really kept, instead of the one V8 set while the start-up was
 * allocating (at 100,000 members, a heap of hundreds of MB of garbage that a later collection, falling in
 * the middle of an export or a page, had to sort out: the server's memory jumped by as much).
 */
export const applyHeapPolicy = (percent: number) => {
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  if (percent > 0) fullCollection();
};

/** One full garbage collection (`gc()` exists only with --expose-gc: the flag is set, and gc taken from a fresh context). */
const fullCollection = () => {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
};
