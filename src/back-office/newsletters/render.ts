import React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { BlocksRenderer } from '@strapi/blocks-react-renderer';

/**
 * A newsletter as one recipient reads it: the rich-text body (Strapi "blocks") rendered to HTML by
 * Strapi's own renderer, a plain-text version, the tokens {{firstName}}, {{lastName}},
 * {{unsubscribeUrl}} replaced, and a footer that always carries the unsubscribe link.
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
  Array.isArray(blocks) && blocks.length ? renderToStaticMarkup(React.createElement(BlocksRenderer, { content: blocks as any })) : '';

const inlineText = (nodes: any[] = []): string =>
  nodes
    .map((n) => {
      if (n.type === 'text') return n.text ?? '';
      if (n.type === 'link') {
        const label = inlineText(n.children);
        return label && label !== n.url ? `${label} (${n.url})` : n.url;
      }
      return inlineText(n.children);
    })
    .join('');

/** Plain-text version of the blocks, for mail clients that do not show HTML. */
export const blocksToText = (blocks: unknown): string => {
  if (!Array.isArray(blocks)) return '';
  const out: string[] = [];
  for (const b of blocks as any[]) {
    if (b.type === 'list') {
      out.push(b.children.map((item: any, i: number) => `${b.format === 'ordered' ? `${i + 1}.` : '-'} ${inlineText(item.children)}`).join('\n'));
    } else if (b.type === 'image') {
      if (b.image?.alternativeText) out.push(`[${b.image.alternativeText}]`);
    } else if (b.type === 'heading') {
      const t = inlineText(b.children);
      out.push(`${t}\n${'='.repeat(Math.min(t.length, 60))}`);
    } else if (b.type === 'quote') {
      out.push(`> ${inlineText(b.children)}`);
    } else {
      out.push(inlineText(b.children));
    }
  }
  return out.filter((s) => s.trim()).join('\n\n');
};

export interface RenderedNewsletter {
  subject: string;
  html: string;
  text: string;
}

/** The newsletter as `p` receives it. `senderName` is the association's name (footer). */
export const renderNewsletter = (newsletter: { subject: string; body?: unknown }, p: Personal, senderName: string): RenderedNewsletter => {
  const bodyHtml = fillHtml(blocksToHtml(newsletter.body), p);
  const bodyText = fill(blocksToText(newsletter.body), p, (s) => s);
  const url = escapeHtml(p.unsubscribeUrl);
  const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(newsletter.subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#222;max-width:640px;margin:0 auto;padding:16px">
${bodyHtml}
<hr style="border:none;border-top:1px solid #ddd;margin-top:32px">
<p style="font-size:12px;color:#666">Vous recevez cette lettre d’information de ${escapeHtml(senderName)}.
<a href="${url}">Se désinscrire</a> en un clic.</p>
</body></html>`;
  const text = `${bodyText}\n\n--\nVous recevez cette lettre d’information de ${senderName}.\nSe désinscrire : ${p.unsubscribeUrl}\n`;
  return { subject: fill(newsletter.subject, p, (s) => s), html, text };
};
