// An empty value (a .env copied from .env.example) counts as unset: development defaults, refused in production.
export default ({ env }) => ({
  auth: {
    secret: env('ADMIN_JWT_SECRET') || 'dev-admin-jwt-secret-change-me',
    sessions: { maxRefreshTokenLifespan: 30 * 24 * 3600, maxSessionLifespan: 24 * 3600 },
  },
  apiToken: { salt: env('API_TOKEN_SALT') || 'dev-api-token-salt-change-me' },
  transfer: { token: { salt: env('TRANSFER_TOKEN_SALT') || 'dev-transfer-token-salt-change-me' } },
  secrets: { encryptionKey: env('ENCRYPTION_KEY') || 'dev-encryption-key-change-me' },
  flags: { nps: false, promoteEE: false },
  // no website preview is wired: hide Strapi's English "Set up preview" card from the edit view
  preview: { enabled: false },
  serveAdminPanel: env.bool('SERVE_ADMIN', true),
  rateLimit: { enabled: env.bool('ADMIN_RATE_LIMIT', true), interval: { min: 5 }, max: 5 },
});
