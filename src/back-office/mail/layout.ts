import React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { toPlainText } from '@react-email/render';
import { Html } from '@react-email/html';
import { Head } from '@react-email/head';
import { Body } from '@react-email/body';
import { Container } from '@react-email/container';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import { Link } from '@react-email/link';
import { Button } from '@react-email/button';
import { Img } from '@react-email/img';
import { Hr } from '@react-email/hr';
import { Heading } from '@react-email/heading';
import { Preview } from '@react-email/preview';

/**
 * The one layout of every e-mail the back-office sends, built with React Email's components
 * (tables and inline styles that mail clients understand) and rendered by React, which escapes
 * every value. A mail is described once, as a list of lines and blocks; the HTML part and the
 * plain-text part both come from the same rendered element (the text by React Email's converter).
 */

/** A piece of a line: text, or a link. */
export type Inline = string | { text: string; url: string };

/**
 * One line of a paragraph: a string (web addresses in it become links) or pieces. The empty string
 * ends a paragraph.
 */
export type Line = string | Inline[];

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'list'; items: Line[] }
  /** a link shown as a button (in the text: « label : address ») */
  | { type: 'button'; label: string; url: string }
  /** lines set apart in a box: the mission, the error message… */
  | { type: 'card'; lines: Line[] }
  /** small print at the end of the message */
  | { type: 'small'; lines: Line[] }
  /** HTML already built and escaped by a trusted renderer (a newsletter's rich text) */
  | { type: 'html'; html: string };

/** The body of a mail: lines (strings or pieces, '' between paragraphs) and blocks, in order. */
export type MailBody = Array<Line | Block>;

export interface Brand {
  /** the association's name (settings) */
  name: string;
  /** absolute address of the logo, or null */
  logoUrl: string | null;
  /** one line under the message: address, website */
  footer: Line | null;
}

export interface MailContent {
  subject: string;
  body: MailBody;
  /** the short text mail clients show after the subject (hidden in the message) */
  preview?: string;
}

const h = React.createElement;

const COLORS = { text: '#1f2937', muted: '#6b7280', accent: '#1d4ed8', page: '#f3f4f6', card: '#f9fafb', border: '#e5e7eb' };
const FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const styles = {
  body: { backgroundColor: COLORS.page, fontFamily: FONT, margin: 0, padding: '16px 8px' },
  container: {
    backgroundColor: '#ffffff',
    border: `1px solid ${COLORS.border}`,
    borderRadius: 8,
    maxWidth: 600,
    width: '100%',
    padding: '24px 20px',
  },
  name: { fontSize: 18, lineHeight: '24px', fontWeight: 700, color: COLORS.text, margin: 0 },
  paragraph: { fontSize: 16, lineHeight: '24px', color: COLORS.text, margin: '0 0 16px' },
  heading: { fontSize: 17, lineHeight: '24px', fontWeight: 700, color: COLORS.text, margin: '24px 0 8px' },
  list: { fontSize: 16, lineHeight: '24px', color: COLORS.text, margin: '0 0 16px', paddingLeft: 24 },
  card: {
    backgroundColor: COLORS.card,
    borderLeft: `4px solid ${COLORS.accent}`,
    borderRadius: 4,
    padding: '12px 16px',
    margin: '0 0 16px',
  },
  cardText: { fontSize: 16, lineHeight: '24px', color: COLORS.text, margin: 0 },
  link: { color: COLORS.accent, textDecoration: 'underline', wordBreak: 'break-word' as const },
  button: {
    backgroundColor: COLORS.accent,
    color: '#ffffff',
    borderRadius: 6,
    padding: '12px 20px',
    fontSize: 16,
    fontWeight: 600,
    textDecoration: 'none',
  },
  small: { fontSize: 13, lineHeight: '20px', color: COLORS.muted, margin: '0 0 8px' },
  hr: { borderColor: COLORS.border, margin: '24px 0 16px' },
  footer: { fontSize: 12, lineHeight: '18px', color: COLORS.muted, margin: 0 },
};

const WEB_ADDRESS = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]»’']/g;

/** A string with its web addresses as links. */
const autolink = (s: string): Inline[] => {
  const out: Inline[] = [];
  let last = 0;
  for (const m of s.matchAll(WEB_ADDRESS)) {
    if (m.index! > last) out.push(s.slice(last, m.index));
    out.push({ text: m[0], url: m[0] });
    last = m.index! + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
};

// In the text part, a link inside a sentence reads « label (address) »; a standalone link (a
// button, the unsubscribe link) reads « label : address ».
const STANDALONE = { 'data-link': 'standalone' };

const inline = (piece: Inline, key: number, standalone = false) =>
  typeof piece === 'string' ? piece : h(Link, { key, href: piece.url, style: styles.link, ...(standalone ? STANDALONE : {}) }, piece.text);

const lineContent = (line: Line) => {
  const pieces = typeof line === 'string' ? autolink(line) : line;
  // a line that is only a link is a standalone link
  const standalone = typeof line !== 'string' && pieces.length === 1 && typeof pieces[0] !== 'string';
  return pieces.map((p, i) => inline(p, i, standalone));
};

/** Lines, separated by line breaks. */
const linesOf = (lines: Line[]) =>
  lines.flatMap((line, i) => [...(i ? [h('br', { key: `br${i}` })] : []), h(React.Fragment, { key: i }, ...lineContent(line))]);

const isBlock = (item: Line | Block): item is Block => typeof item === 'object' && !Array.isArray(item);

const blockElement = (block: Block, key: number) => {
  switch (block.type) {
    case 'heading':
      return h(Heading, { key, as: 'h2', style: styles.heading }, block.text);
    case 'list':
      return h('ul', { key, style: styles.list }, ...block.items.map((item, i) => h('li', { key: i }, ...lineContent(item))));
    case 'button':
      return h(
        Section,
        { key, style: { margin: '8px 0 24px' } },
        h(Button, { href: block.url, style: styles.button, ...STANDALONE }, block.label)
      );
    case 'card':
      return h(Section, { key, style: styles.card }, h(Text, { style: styles.cardText }, ...linesOf(block.lines)));
    case 'small':
      return h(Text, { key, style: styles.small }, ...linesOf(block.lines));
    case 'html':
      return h('div', {
        key,
        style: { fontSize: 16, lineHeight: '24px', color: COLORS.text },
        dangerouslySetInnerHTML: { __html: block.html },
      });
  }
};

/** The body's elements: consecutive lines make a paragraph, '' ends it; blocks stand alone. */
const bodyElements = (body: MailBody) => {
  const out: React.ReactElement[] = [];
  let paragraph: Line[] = [];
  const flush = () => {
    if (paragraph.length) out.push(h(Text, { key: out.length, style: styles.paragraph }, ...linesOf(paragraph)));
    paragraph = [];
  };
  for (const item of body) {
    if (isBlock(item)) {
      flush();
      out.push(blockElement(item, out.length));
    } else if (typeof item === 'string' && !item.trim()) flush();
    else paragraph.push(item);
  }
  flush();
  return out;
};

// The association's header and footer are the letterhead of the HTML part; the text part is the
// message alone (it already ends with the signature), so that its first line is « Bonjour … ».
const SKIP_IN_TEXT = { 'data-skip-in-text': 'true' };

const Mail = ({ brand, content }: { brand: Brand; content: MailContent }) =>
  h(
    Html,
    { lang: 'fr', dir: 'ltr' },
    h(Head, null, h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }), h('title', null, content.subject)),
    content.preview ? h(Preview, null, content.preview) : null,
    h(
      Body,
      { style: styles.body },
      h(
        Container,
        { style: styles.container },
        h(
          Section,
          { ...SKIP_IN_TEXT, style: { marginBottom: 16 } },
          brand.logoUrl
            ? h(Img, { src: brand.logoUrl, alt: brand.name, height: 48, style: { height: 48, width: 'auto', marginBottom: 8 } })
            : null,
          h(Text, { style: styles.name }, brand.name)
        ),
        ...bodyElements(content.body),
        h(
          Section,
          { ...SKIP_IN_TEXT, style: { marginTop: 8 } },
          h(Hr, { style: styles.hr }),
          h(Text, { style: styles.footer }, brand.name, ...(brand.footer ? [h('br'), ...lineContent(brand.footer)] : []))
        )
      )
    )
  );

const TEXT_OPTIONS = {
  selectors: [
    { selector: 'a', options: { linkBrackets: ['(', ')'] as [string, string], hideLinkHrefIfSameAsText: true } },
    {
      selector: 'a[data-link=standalone]',
      format: 'anchor',
      options: { linkBrackets: [': ', ''] as [string, string], hideLinkHrefIfSameAsText: true },
    },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
      selector,
      options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 2 },
    })),
  ],
};

const DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

/**
 * The HTML and the plain-text parts of a mail. Synchronous React rendering: React Email's own
 * render() loads react-dom/server with a dynamic import(), which a CommonJS host such as the test
 * runner's module sandbox cannot run.
 */
export const renderMail = (brand: Brand, content: MailContent) => {
  const html = DOCTYPE + renderToStaticMarkup(h(Mail, { brand, content }));
  const text = toPlainText(html, TEXT_OPTIONS);
  return { html, text };
};

/** A mail written as plain text (the editable templates): its lines, as the body. */
export const textBody = (text: string): MailBody => text.replace(/\r\n?/g, '\n').split('\n');
