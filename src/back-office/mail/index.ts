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

/** Longer texts are cut in the log (a newsletter's text can be long). */
const LOGGED_TEXT_MAX = 2000;

/**
 * Without SMTP_HOST (development, demo): each mail is written to the log instead of being sent —
 * one clear line saying so, then the text of the mail, indented.
 */
export const logProvider = (strapi: Strapi) => ({
  async send(options: { to: string; subject: string; text?: string }) {
    const text = String(options.text ?? '');
    const shown = text.length > LOGGED_TEXT_MAX ? `${text.slice(0, LOGGED_TEXT_MAX)}\n[… texte coupé]` : text;
    strapi.log.info(
      `[e-mail] NON ENVOYÉ (SMTP_HOST n'est pas configuré), écrit ici à la place — à ${options.to}, objet « ${options.subject} »` +
        (shown ? `\n${shown.replace(/^/gm, '    ')}` : '')
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
