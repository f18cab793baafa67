import type { BackOfficeModule, Strapi } from '../types';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  headers?: Record<string, string>;
}

/**
 * The one way the back-office sends mail: through Strapi's email plugin (nodemailer provider,
 * configured by the SMTP_* variables). Throws when the SMTP server refuses the mail, so that callers
 * can keep the mail for the next run.
 */
export const sendMail = async (strapi: Strapi, mail: Mail) => {
  await strapi.plugin('email').service('email').send(mail as any);
};

/** True when a real SMTP server is configured (otherwise mail goes to the log). */
export const smtpConfigured = () => Boolean(process.env.SMTP_HOST);

const logProvider = (strapi: Strapi) => ({
  async send(options: { to: string; subject: string }) {
    strapi.log.info(
      `[e-mail] SMTP_HOST n'est pas configuré : e-mail écrit ici au lieu d'être envoyé — à ${options.to}, objet « ${options.subject} »`
    );
  },
});

const mail: BackOfficeModule = {
  name: 'mail',
  bootstrap(strapi) {
    if (!smtpConfigured()) {
      strapi.plugin('email').provider = logProvider(strapi);
      strapi.log.info("[e-mail] SMTP_HOST n'est pas configuré : les e-mails seront écrits dans le journal, pas envoyés.");
    }
  },
};

export default mail;
