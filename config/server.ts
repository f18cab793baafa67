import { assertProductionSecrets } from '../src/utils/secrets';

export default ({ env }) => {
  assertProductionSecrets(env('NODE_ENV', 'development'), process.env);
  // an empty APP_KEYS (a .env copied from .env.example) counts as unset
  const appKeys: string[] = env.array('APP_KEYS', []).filter(Boolean);
  return {
    host: env('HOST', '0.0.0.0'),
    port: env.int('PORT', 1337),
    url: env('PUBLIC_URL', ''),
    // Strapi 5 reads server.proxy.koa (a bare boolean is ignored): client IPs from X-Forwarded-For behind a proxy
    proxy: { koa: env.bool('IS_PROXIED', false) },
    app: { keys: appKeys.length ? appKeys : ['devKeyA-change-me', 'devKeyB-change-me'] },
    cron: { enabled: env.bool('CRON_ENABLED', true) },
    // No update checks (the server has no business calling out) and no upgrade banner.
    logger: { updates: { enabled: false }, startup: { enabled: true } },
    transfer: { remote: { enabled: false } },
    // The folder served as /, which holds uploads/ (the tests give each Strapi its own).
    dirs: { public: env('PUBLIC_DIR', './public') },
  };
};
