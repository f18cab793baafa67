import { readEnv } from '../src/core/config';
import { strapiLimiterStore } from '../src/utils/strapi-limiter-store';

// An empty value (a .env copied from .env.example) counts as unset: development defaults, refused in production.
export default () => ({
  auth: {
    secret: readEnv('ADMIN_JWT_SECRET'),
    sessions: { maxRefreshTokenLifespan: 30 * 24 * 3600, maxSessionLifespan: 24 * 3600 },
  },
  apiToken: { salt: readEnv('API_TOKEN_SALT') },
  transfer: { token: { salt: readEnv('TRANSFER_TOKEN_SALT') } },
  secrets: { encryptionKey: readEnv('ENCRYPTION_KEY') },
  flags: { nps: false, promoteEE: false },
  // no website preview is wired: hide Strapi's English "Set up preview" card from the edit view
  preview: { enabled: false },
  serveAdminPanel: readEnv('SERVE_ADMIN'),
  // Strapi's limit (5 attempts per 5 minutes for one address from one IP), counted in a store shared by
  // every instance (Redis or PostgreSQL), not in this process's memory
  rateLimit: { enabled: readEnv('ADMIN_RATE_LIMIT'), interval: { min: 5 }, max: 5, store: strapiLimiterStore('admin-login') },
});
