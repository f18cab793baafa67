import { readEnv } from '../src/core/config';

/**
 * Strapi's middleware stack. CORS is limited to the origins listed in CORS_ORIGINS (comma separated);
 * the security middleware keeps a CSP that still lets the admin panel and the media library work.
 */
export default () => [
  // strapi::logger's line per request, with the secrets of URLs masked (src/middlewares/access-log.ts)
  'global::access-log',
  'strapi::errors',
  {
    name: 'strapi::security',
    config: {
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'connect-src': ["'self'", 'https:'],
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'data:', 'blob:'],
          'frame-ancestors': ["'self'"],
          upgradeInsecureRequests: null,
        },
      },
      frameguard: { action: 'sameorigin' },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    },
  },
  {
    name: 'strapi::cors',
    config: {
      origin: readEnv('CORS_ORIGINS'),
      credentials: true,
    },
  },
  'strapi::query',
  {
    name: 'strapi::body',
    config: {
      formLimit: '1mb',
      jsonLimit: '1mb',
      textLimit: '1mb',
      // the media library's own limit stays UPLOAD_MAX_MB (config/plugins.ts); an import may take IMPORT_MAX_MB
      formidable: { maxFileSize: Math.max(readEnv('UPLOAD_MAX_MB'), readEnv('IMPORT_MAX_MB')) * 1024 * 1024 },
    },
  },
  // after the body parser: lets the admin save our business `status` fields (see the file)
  'global::field-status',
  'strapi::session',
  { name: 'strapi::favicon', config: { path: 'public/favicon.png' } },
  'strapi::public',
];
