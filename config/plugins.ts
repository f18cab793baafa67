export default ({ env }) => ({
  'users-permissions': {
    config: {
      jwtSecret: env('JWT_SECRET') || 'dev-jwt-secret-change-me',
      jwt: { expiresIn: '7d' },
      register: { allowedFields: [] },
    },
  },
  upload: {
    config: {
      provider: 'local',
      sizeLimit: env.int('UPLOAD_MAX_MB', 20) * 1024 * 1024,
      breakpoints: { large: 1000, medium: 750, small: 500 },
    },
  },
  email: {
    config: env('SMTP_HOST')
      ? {
          provider: 'nodemailer',
          providerOptions: {
            host: env('SMTP_HOST'),
            port: env.int('SMTP_PORT', 587),
            secure: env.bool('SMTP_SECURE', false),
            ...(env('SMTP_USER') ? { auth: { user: env('SMTP_USER'), pass: env('SMTP_PASS') } } : {}),
            ignoreTLS: !env.bool('SMTP_SECURE', false) && env.bool('SMTP_IGNORE_TLS', false),
          },
          settings: {
            defaultFrom: env('EMAIL_FROM', 'Association <no-reply@association.local>'),
            defaultReplyTo: env('EMAIL_REPLY_TO', env('EMAIL_FROM', 'no-reply@association.local')),
          },
        }
      : {
          // No SMTP server configured (development, demo): the mail module (src/back-office/mail)
          // replaces this provider with one that writes each mail to the log instead of sending it.
          provider: 'nodemailer',
          providerOptions: { jsonTransport: true },
          settings: {
            defaultFrom: env('EMAIL_FROM', 'Association <no-reply@association.local>'),
            defaultReplyTo: env('EMAIL_REPLY_TO', env('EMAIL_FROM', 'no-reply@association.local')),
          },
        },
  },
});
