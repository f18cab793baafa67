import React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { BlocksRenderer, type BlocksContent } from '@strapi/blocks-react-renderer';
import type { MailBody } from '../mail';

/**
 * A newsletter as one recipient reads it: the rich-text body (Strapi "blocks") rendered to HTML by
 * Strapi's own renderer, the tokens {{firstName}}, {{lastName}}, {{unsubscribeUrl}} replaced, and
 * a footer that always carries the unsubscribe link.
 */
export interface Personal {
  firstName?: string | null;
  lastName?: string | null;
  unsubscribeUrl: string;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

const TOKEN = /\{\{\s*(firstName|lastName|unsubscribeUrl)\s*\}\}|%7B%7B(firstName|lastName|unsubscribeUrl)%7D%7D/gi;

const fill = (template: string, p: Personal, escape: (s: string) => string) =>
  template.replace(TOKEN, (_m, a, b) => {
    const name = String(a ?? b).toLowerCase();
    const value = name === 'firstname' ? p.firstName : name === 'lastname' ? p.lastName : p.unsubscribeUrl;
    return escape((value ?? '').trim());
  });

/** In HTML, {{unsubscribeUrl}} written in the text becomes a link (the editor refuses it as a link target). */
const fillHtml = (html: string, p: Personal) => {
  const url = escapeHtml(p.unsubscribeUrl);
  const link = `<a href="${url}">${url}</a>`;
  return html
    .replace(/href="(?:\{\{\s*unsubscribeUrl\s*\}\}|%7B%7BunsubscribeUrl%7D%7D)"/gi, `href="${url}"`)
    .replace(TOKEN, (m, a, b) => (String(a ?? b).toLowerCase() === 'unsubscribeurl' ? link : fill(m, p, escapeHtml)));
};

export const blocksToHtml = (blocks: unknown) =>
  Array.isArray(blocks) && blocks.length
    ? renderToStaticMarkup(React.createElement(BlocksRenderer, { content: blocks as BlocksContent }))
    : '';

export interface RenderedNewsletter {
  subject: string;
  body: MailBody;
}

/**
 * The newsletter as `p` receives it, as the body of a mail in the association's layout (the plain
 * text is made from the same HTML). `senderName` is the association's name (footer).
 */
export const renderNewsletter = (newsletter: { subject: string; body?: unknown }, p: Personal, senderName: string): RenderedNewsletter => ({
  subject: fill(newsletter.subject, p, (s) => s),
  body: [
    { type: 'html', html: fillHtml(blocksToHtml(newsletter.body), p) },
    {
      type: 'small',
      lines: [`Vous recevez cette lettre d’information de ${senderName}.`, [{ text: 'Se désinscrire', url: p.unsubscribeUrl }]],
    },
  ],
});
