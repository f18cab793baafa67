import type { WriteContext } from '../types';

/**
 * Reference data a write rule reads (a membership type, the association's settings): read for each
 * write, or once per key for many writes made together (createMany gives the writes a shared `once`).
 */
export const readOnce = <T>(write: Pick<WriteContext, 'once'>, key: string, load: () => Promise<T>): Promise<T> =>
  write.once ? write.once(key, load) : load();

/** A `once` for a batch of writes: each key loaded at most once. */
export const onceCache = (): NonNullable<WriteContext['once']> => {
  const cache = new Map<string, Promise<unknown>>();
  return <T>(key: string, load: () => Promise<T>) => {
    if (!cache.has(key)) cache.set(key, load());
    return cache.get(key) as Promise<T>;
  };
};
