import type { BackOfficeModule, Strapi } from '../types';
import { nameAsTitle, readAssociation } from '../../core/association';
import { readEnv } from '../../core/config';
import { Brand, Inline, Line, MailBody, renderMail, textBody } from './layout';

export type { Block, Brand, Inline, Line, MailBody } from './layout';

/**
 * A mail to send. Its content is `body` (lines and blocks, see layout.ts) or, for a mail written as
 * plain text such as the editable templates, `text`: either way it is set in the association's
 * layout, as HTML and as plain text.
 */
export interface Mail {
  to: string;
  subject: string;
  body?: MailBody;
  text?: string;
  /** the short text mail clients show after the subject */
  preview?: string;
  replyTo?: string;
  headers?: Record<string, string>;
  /** files sent with the mail (a tax receipt's PDF) */
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
  /** the letterhead, read once by a caller that sends many mails in a row (otherwise read per mail) */
  brand?: Brand;
}

/** The address a visitor's browser or mail client reaches (PUBLIC_URL), or null when unknown. */
const publicBase = (strapi: Strapi) => ((strapi.config.get('server.url') as string) || '').replace(/\/$/, '') || null;

/** Absolute address of an uploaded file: as it is (an external provider), or under PUBLIC_URL. */
const absoluteUrl = (strapi: Strapi, url: string | null | undefined) => {
  if (!url) return null;
  if (/^https?:\/\//i.test(url)) return url;
  const base = publicBase(strapi);
  // without PUBLIC_URL the address would be the server's own (localhost): no logo rather than a broken image
  return base ? `${base}${url.startsWith('/') ? '' : '/'}${url}` : null;
};

/** « address · website », the website as a link. */
const footerLine = (place: string, website: string | null | undefined): Line | null => {
  const site = website?.trim();
  const pieces: Inline[] = [
    ...(place ? [place] : []),
    ...(place && site ? [' · '] : []),
    ...(site ? [{ text: site, url: /^https?:\/\//i.test(site) ? site : `https://${site}` }] : []),
  ];
  return pieces.length ? pieces : null;
};

/** The association's name, logo and address, from its settings, for the letterhead of every mail. */
export const mailBrand = async (strapi: Strapi): Promise<Brand> => {
  const a = await readAssociation(strapi, ['name', 'address', 'postalCode', 'city', 'website', 'logo']);
  const logo = a.logo;
  const place = [a.address, [a.postalCode, a.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return {
    name: nameAsTitle(a.name),
    // the thumbnail (at most 245 px wide) is plenty for a 48 px high logo, even on a high-density screen
    logoUrl: absoluteUrl(strapi, logo?.formats?.thumbnail?.url ?? logo?.url),
    footer: footerLine(place, a.website),
  };
};

/** The subject, HTML and text of a mail, as it is sent (also for the newsletters' preview). */
export const composeMail = async (strapi: Strapi, mail: Pick<Mail, 'subject' | 'body' | 'text' | 'preview' | 'brand'>) => {
  const { html, text } = renderMail(mail.brand ?? (await mailBrand(strapi)), {
    subject: mail.subject,
    preview: mail.preview,
    body: mail.body ?? textBody(mail.text ?? ''),
  });
  return { subject: mail.subject, html, text };
};

/**
 * The one way the back-office sends mail: through Strapi's email plugin (nodemailer provider,
 * configured by the SMTP_* variables), in the association's layout with its plain-text part.
 * Throws when the SMTP server refuses the mail, so that callers can keep the mail for the next run.
 */
export const sendMail = async (strapi: Strapi, mail: Mail) => {
  const { html, text } = await composeMail(strapi, mail);
  const { to, subject, replyTo, headers, attachments } = mail;
  await strapi
    .plugin('email')
    .service('email')
    .send({
      to,
      subject,
      html,
      text,
      ...(replyTo ? { replyTo } : {}),
      ...(headers ? { headers } : {}),
      ...(attachments?.length ? { attachments } : {}),
    });
};

/** True when a real SMTP server is configured (otherwise mail goes to the log). */
export const smtpConfigured = () => Boolean(readEnv('SMTP_HOST'));

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
