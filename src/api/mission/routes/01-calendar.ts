import { rateLimit } from '../../../utils/rate-limit';

/** iCal feeds: the public agenda, and the bureau's feed at a secret, revocable URL. */
export default {
  routes: [
    {
      method: 'GET',
      path: '/calendar.ics',
      handler: 'calendar.publicFeed',
      config: { auth: false, middlewares: [rateLimit({ name: 'calendar-public', max: 120, windowMs: 60_000 })] },
    },
    {
      method: 'GET',
      path: '/calendar/private/:file',
      handler: 'calendar.privateFeed',
      // a low limit: the token cannot be guessed by trying
      config: { auth: false, middlewares: [rateLimit({ name: 'calendar-private', max: 30, windowMs: 60_000 })] },
    },
  ],
};
