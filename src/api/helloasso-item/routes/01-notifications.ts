import { readEnv } from '../../../core/config';
import { rateLimit } from '../../../utils/rate-limit';

/** HelloAsso's notifications (its « URL de callback »), without account, limited per IP. */
export default {
  routes: [
    {
      method: 'POST',
      path: '/helloasso/notifications',
      handler: 'notifications.receive',
      config: {
        auth: false,
        middlewares: [rateLimit({ name: 'helloasso-notifications', max: readEnv('HELLOASSO_NOTIFICATIONS_PER_MINUTE'), windowMs: 60_000 })],
      },
    },
  ],
};
