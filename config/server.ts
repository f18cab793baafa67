import { checkEnvironment, readEnv } from '../src/core/config';

export default () => {
  // every variable checked when the server loads: a value that cannot be used stops the start, named in French
  checkEnvironment();
  return {
    host: readEnv('HOST'),
    port: readEnv('PORT'),
    url: readEnv('PUBLIC_URL'),
    // Strapi 5.54 hands server.proxy.{koa,maxIpsCount} to Koa (a bare boolean is ignored). Behind a proxy
    // the client IP is read from X-Forwarded-For, counting PROXY_HOPS entries from the right: the entries
    // our own proxies appended. Without maxIpsCount Koa would take the left-most one, which the client
    // writes itself, and every per-IP limit (public forms, admin login) could be dodged.
    proxy: { koa: readEnv('IS_PROXIED'), maxIpsCount: readEnv('PROXY_HOPS') },
    app: { keys: readEnv('APP_KEYS') },
    cron: { enabled: readEnv('CRON_ENABLED') },
    // No update checks (the server has no business calling out) and no upgrade banner.
    logger: { updates: { enabled: false }, startup: { enabled: true } },
    transfer: { remote: { enabled: false } },
    // The folder served as /, which holds uploads/ (the tests give each Strapi its own).
    dirs: { public: readEnv('PUBLIC_DIR') },
  };
};
