import { readEnv } from '../../../core/config';
import { rateLimit } from '../../../utils/rate-limit';

/** Public pre-registration from the website (no account), limited per IP. */
export default {
  routes: [
    {
      method: 'POST',
      path: '/missions/:documentId/registrations',
      handler: 'registration.create',
      config: {
        auth: false,
        middlewares: [
          rateLimit({
            name: 'mission-registrations',
            max: readEnv('REGISTRATION_RATE_LIMIT_MAX'),
            windowMs: 10 * 60_000,
          }),
        ],
      },
    },
  ],
};
