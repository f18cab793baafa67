import { readEnv } from '../src/core/config';
import { S3_PROVIDER, s3ProviderOptions } from '../src/back-office/media/s3';
import { strapiLimiterStore } from '../src/utils/strapi-limiter-store';

const mailSettings = () => ({ defaultFrom: readEnv('EMAIL_FROM'), defaultReplyTo: readEnv('EMAIL_REPLY_TO') });
// Strapi's limits of the sign-in and « mot de passe oublié » routes, counted in a store shared by every
// instance (Redis or PostgreSQL), not in each process's memory; Strapi's own numbers (5 in 5 minutes)
const emailLimit = { ratelimit: { store: strapiLimiterStore('forgot-password') } };

export default () => ({
  'users-permissions': {
    config: {
      jwtSecret: readEnv('JWT_SECRET'),
      jwt: { expiresIn: '7d' },
      register: { allowedFields: [] },
      ratelimit: { store: strapiLimiterStore('users-auth') },
    },
  },
  upload: {
    config: {
      // UPLOAD_PROVIDER=s3: a private S3-compatible bucket (src/back-office/media/s3.ts)
      ...(readEnv('UPLOAD_PROVIDER') === 's3' ? { provider: S3_PROVIDER, providerOptions: s3ProviderOptions() } : { provider: 'local' }),
      sizeLimit: readEnv('UPLOAD_MAX_MB') * 1024 * 1024,
      breakpoints: { large: 1000, medium: 750, small: 500 },
    },
  },
  email: {
    config: readEnv('SMTP_HOST')
      ? {
          ...emailLimit,
          provider: 'nodemailer',
          providerOptions: {
            host: readEnv('SMTP_HOST'),
            port: readEnv('SMTP_PORT'),
            secure: readEnv('SMTP_SECURE'),
            ...(readEnv('SMTP_USER') ? { auth: { user: readEnv('SMTP_USER'), pass: readEnv('SMTP_PASS') } } : {}),
            ignoreTLS: !readEnv('SMTP_SECURE') && readEnv('SMTP_IGNORE_TLS'),
          },
          settings: mailSettings(),
        }
      : {
          ...emailLimit,
          // No SMTP server configured (development, demo): the mail module (src/back-office/mail)
          // replaces this provider with one that writes each mail to the log instead of sending it.
          provider: 'nodemailer',
          providerOptions: { jsonTransport: true },
          settings: mailSettings(),
        },
  },
});
