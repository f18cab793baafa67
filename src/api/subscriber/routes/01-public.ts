import { readEnv } from '../../../core/config';
import { rateLimit } from '../../../utils/rate-limit';

/**
 * The website's newsletter subscription (double opt-in) and the links sent by e-mail: public,
 * rate-limited, and saying nothing about who is already subscribed.
 */
const perMinute = (name: string, max: number) => rateLimit({ name, max, windowMs: 60_000 });

export default {
  routes: [
    {
      method: 'POST',
      path: '/subscribers',
      handler: 'api::subscriber.subscriber.subscribe',
      config: { auth: false, middlewares: [perMinute('subscribers', readEnv('SUBSCRIBE_RATE_PER_MINUTE'))] },
    },
    {
      method: 'GET',
      path: '/subscribers/confirm',
      handler: 'api::subscriber.subscriber.confirm',
      config: { auth: false, middlewares: [perMinute('subscribers-confirm', 30)] },
    },
    {
      method: 'GET',
      path: '/subscribers/unsubscribe',
      handler: 'api::subscriber.subscriber.unsubscribePage',
      config: { auth: false, middlewares: [perMinute('unsubscribe', 30)] },
    },
    {
      method: 'POST',
      path: '/subscribers/unsubscribe',
      handler: 'api::subscriber.subscriber.unsubscribe',
      config: { auth: false, middlewares: [perMinute('unsubscribe', 30)] },
    },
  ],
};
