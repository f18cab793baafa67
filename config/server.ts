import { assertProductionSecrets } from '../src/utils/secrets';

export default ({ env }) => {
  assertProductionSecrets(env('NODE_ENV', 'development'), process.env);
  // an empty APP_KEYS (a .env copied from .env.example) counts as unset
  const appKeys: string[] = env.array('APP_KEYS', []).filter(Boolean);
  return {
    host: env('HOST', '0.0.0.0'),
    port: env.int('PORT', 1337),
    url: env('PUBLIC_URL', '').trim(),
    // Strapi 5.54 hands server.proxy.{koa,maxIpsCount} to Koa (a bare boolean is ignored). Behind a proxy
    // the client IP is read from X-Forwarded-For, counting PROXY_HOPS entries from the right: the entries
    // our own proxies appended. Without maxIpsCount Koa would take the left-most one, which the client
    // writes itself, and every per-IP limit (public forms, admin login) could be dodged.
    proxy: { koa: env.bool('IS_PROXIED', false), maxIpsCount: Math.max(1, env.int('PROXY_HOPS', 1) || 1) },
    app: { keys: appKeys.length ? appKeys : ['devKeyA-change-me', 'devKeyB-change-me'] },
    cron: { enabled: env.bool('CRON_ENABLED', true) },
    // No update checks (the server has no business calling out) and no upgrade banner.
    logger: { updates: { enabled: false }, startup: { enabled: true } },
    transfer: { remote: { enabled: false } },
    // The folder served as /, which holds uploads/ (the tests give each Strapi its own).
    dirs: { public: env('PUBLIC_DIR', './public') },
  };
};
