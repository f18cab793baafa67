import { readEnvIfSet } from '../../../src/core/config';

export default () => ({
  auth: { secret: 'test-admin-jwt-secret' },
  apiToken: { salt: 'test-api-token-salt' },
  transfer: { token: { salt: 'test-transfer-token-salt' } },
  secrets: { encryptionKey: 'test-encryption-key' },
  serveAdminPanel: false,
  // Each suite logs in many times from 127.0.0.1: the throttling itself is tested explicitly.
  rateLimit: { enabled: readEnvIfSet('ADMIN_RATE_LIMIT') ?? false },
});
