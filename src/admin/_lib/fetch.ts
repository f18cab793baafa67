import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import { RequestError, isAborted, messageForStatus, toRequestError } from './errors';

/**
 * The one way the admin pages talk to the server (Strapi's fetch client, which carries the admin's
 * token): `useGet` loads, `usePost` acts, `useDownload` saves a file. Each gives `{ data, error,
 * loading }` with `error` a French sentence (errors.ts) ready to show.
 */
type Client = ReturnType<typeof useFetchClient>;

/** Query parameters; empty ones (undefined, null, '') are left out. */
export type Params = Record<string, string | number | boolean | null | undefined>;

/** The query string, encoded (Strapi's client does not encode the params it is given). */
const queryOf = (params?: Params) => {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {}))
    if (value !== undefined && value !== null && value !== '') q.set(key, String(value));
  return q.toString();
};
const withQuery = (url: string, query: string) => (query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url);

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  /** Loads again (after a change made elsewhere on the page). */
  reload: () => void;
}

/**
 * GET `url` (null: nothing to load yet) with `params`, again whenever they change. `select` picks the
 * part of the answer the page wants (e.g. `(body) => body.data` for the routes that wrap their answer).
 * While it reloads, the previous data stays on screen; after a failure there is no data, only the error.
 */
export const useGet = <T, Body = T>(url: string | null, options: { params?: Params; select?: (body: Body) => T } = {}): Loaded<T> => {
  const client = useFetchClient();
  const query = queryOf(options.params);
  const select = React.useRef(options.select);
  select.current = options.select;
  const [state, setState] = React.useState<{ data?: T; error: string | null; loading: boolean }>({ error: null, loading: url !== null });
  const [tick, setTick] = React.useState(0);

  React.useEffect(() => {
    if (url === null) {
      setState({ error: null, loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, error: null, loading: true }));
    client
      .get<Body>(withQuery(url, query))
      .then(({ data }) => {
        if (live) setState({ data: select.current ? select.current(data) : (data as unknown as T), error: null, loading: false });
      })
      .catch((e: unknown) => {
        if (live && !isAborted(e)) setState({ error: toRequestError(e).message, loading: false });
      });
    return () => {
      live = false;
    };
  }, [client, url, query, tick]);

  const reload = React.useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
};

export type Method = 'POST' | 'PUT' | 'DELETE' | 'GET';

/** What `send` resolves to: the answer, or the French error (also kept in the hook's `error`). */
export type Sent<T> = { data: T; error?: undefined } | { data?: undefined; error: string };

/**
 * An action the admin triggers (a button): `send(url, body)` POSTs by default (`method` for PUT,
 * DELETE, or a GET made on demand). Never throws: it resolves to `{ data }` or `{ error }`.
 */
export const usePost = <T = unknown>() => {
  const client = useFetchClient();
  const [state, setState] = React.useState<{ data?: T; error: string | null; loading: boolean }>({ error: null, loading: false });

  const send = React.useCallback(
    async (url: string, body?: unknown, options: { method?: Method; params?: Params } = {}): Promise<Sent<T>> => {
      const target = withQuery(url, queryOf(options.params));
      setState((s) => ({ ...s, error: null, loading: true }));
      try {
        const method = options.method ?? 'POST';
        const res =
          method === 'GET'
            ? await client.get<T>(target)
            : method === 'DELETE'
              ? await client.del<T>(target)
              : method === 'PUT'
                ? await client.put<T>(target, body ?? {})
                : await client.post<T>(target, body ?? {});
        setState({ data: res.data, error: null, loading: false });
        return { data: res.data };
      } catch (e) {
        const message = toRequestError(e).message;
        if (!isAborted(e)) setState((s) => ({ ...s, error: message, loading: false }));
        return { error: message };
      }
    },
    [client]
  );
  const clearError = React.useCallback(() => setState((s) => ({ ...s, error: null })), []);
  return { data: state.data, error: state.error, loading: state.loading, send, clearError };
};

const fileNameOf = (disposition: string | null | undefined, fallback: string) => {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '')?.[1];
  if (encoded) return decodeURIComponent(encoded);
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback;
};

const saveBlob = (blob: Blob, name: string) => {
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // the browser reads the blob after the click: revoking it at once may cancel the download
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
};

/**
 * Downloads a file with the admin's token and hands it to the browser under the server's file name
 * (or `fileName`). Throws a RequestError with the French message when it fails: the server's own
 * message, read from the error body, for a refused export (400, 403).
 */
export const downloadFile = async (client: Client, url: string, fileName: string, params?: Params) => {
  let res;
  try {
    // every status but 401 is answered (401 lets Strapi's client renew the session and try again),
    // so that the error body, which the client drops for a file, can be read here
    res = await client.get(withQuery(url, queryOf(params)), { responseType: 'blob', validateStatus: (status) => status !== 401 });
  } catch (e) {
    throw isAborted(e) ? e : toRequestError(e);
  }
  const status = res.status ?? 200;
  if (status >= 400) {
    let message: unknown;
    try {
      message = JSON.parse(await res.data.text())?.error?.message;
    } catch {
      message = undefined;
    }
    throw new RequestError(messageForStatus(status, message), status);
  }
  saveBlob(res.data, fileNameOf(res.headers?.get('content-disposition'), fileName));
};

/**
 * `download(url, fileName, { key, params })` saves a file and reports a failure in `error`;
 * `busy` is the key of the download in progress (one button among several shows its spinner).
 */
export const useDownload = () => {
  const client = useFetchClient();
  const [busy, setBusy] = React.useState<string | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const download = React.useCallback(
    async (url: string, fileName: string, options: { key?: string; params?: Params } = {}) => {
      setBusy(options.key ?? url);
      setError(null);
      try {
        await downloadFile(client, url, fileName, options.params);
        return true;
      } catch (e) {
        if (!isAborted(e)) setError(toRequestError(e).message);
        return false;
      } finally {
        setBusy(null);
      }
    },
    [client]
  );
  const clearError = React.useCallback(() => setError(null), []);
  return { download, busy, error, clearError };
};
