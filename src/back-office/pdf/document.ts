import fs from 'fs';
import path from 'path';
import { DateTime } from 'luxon';
import type { Strapi } from '../types';
import { imagesFolder } from '../media/s3';
import { nameAsTitle, readAssociation } from '../../core/association';
import { TZ } from '../../core/dates';
import { FONT, newPdfDocument } from './fonts';
import { formatCount, typo } from './typography';

/**
 * The association's printed documents (financial report, statistics report...): A4, the embedded
 * Unicode font (fonts.ts), French typography (typography.ts), a header with the association's
 * name, logo and identifiers, and the date of printing in every footer.
 */
export interface AssociationIdentity {
  name: string;
  rna?: string | null;
  siren?: string | null;
  address?: string | null;
  postalCode?: string | null;
  city?: string | null;
  logoPath?: string | null;
}

export const COLORS = { text: '#32324d', muted: '#666687', primary: '#4945ff', line: '#dcdce4', light: '#f6f6f9' };
export const PAGE_MARGIN = 50;

/** Name, identifiers and logo file (a local file, or a local copy of the S3 object) of the association, from its settings. */
export const associationIdentity = async (strapi: Strapi): Promise<AssociationIdentity> => {
  const a = await readAssociation(strapi, ['name', 'rna', 'siren', 'address', 'postalCode', 'city', 'logo']);
  let logoPath: string | null = null;
  const url = a.logo?.formats?.small?.url ?? a.logo?.url;
  if (url && url.startsWith('/') && /\.(png|jpe?g)$/i.test(url)) {
    const file = path.join(await imagesFolder(strapi, [url]), url);
    if (fs.existsSync(file)) logoPath = file;
  }
  return { name: nameAsTitle(a.name), rna: a.rna, siren: a.siren, address: a.address, postalCode: a.postalCode, city: a.city, logoPath };
};

/** A new A4 document with the header drawn; finish with `endToBuffer(doc)`. */
export const createReport = (identity: AssociationIdentity, { title, subtitle }: { title: string; subtitle?: string }) => {
  const doc = newPdfDocument({
    size: 'A4',
    margin: PAGE_MARGIN,
    bufferPages: true,
    info: { Title: `${typo(title)} — ${identity.name}`, Author: identity.name },
  });
  const top = PAGE_MARGIN;
  let x = PAGE_MARGIN;
  if (identity.logoPath) {
    try {
      doc.image(identity.logoPath, PAGE_MARGIN, top, { fit: [60, 60] });
      x += 72;
    } catch {
      // an unreadable logo must not prevent the report
    }
  }
  doc
    .fillColor(COLORS.text)
    .font(FONT.bold)
    .fontSize(16)
    .text(identity.name, x, top, { width: 495 - (x - PAGE_MARGIN) });
  const ids = [identity.rna && `RNA ${identity.rna}`, identity.siren && `SIREN ${identity.siren}`].filter(Boolean).join(' · ');
  const address = [identity.address, [identity.postalCode, identity.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  doc.font(FONT.regular).fontSize(9).fillColor(COLORS.muted);
  if (ids) doc.text(ids, x);
  if (address) doc.text(address, x);
  doc.moveDown(1.5);
  doc.x = PAGE_MARGIN;
  doc.y = Math.max(doc.y, top + 70);
  doc.fillColor(COLORS.primary).font(FONT.bold).fontSize(20).text(typo(title), PAGE_MARGIN);
  if (subtitle) doc.fillColor(COLORS.muted).font(FONT.regular).fontSize(11).text(typo(subtitle));
  doc.moveDown(1);
  doc.fillColor(COLORS.text).font(FONT.regular).fontSize(10);
  return doc;
};

/** Lowest point of the page's content (above the footer). */
const contentBottom = (doc: PDFKit.PDFDocument) => doc.page.height - PAGE_MARGIN;

/** Section title (our own text: French typography applied). */
export const heading = (doc: PDFKit.PDFDocument, text: string) => {
  if (doc.y > doc.page.height - 150) doc.addPage();
  doc.moveDown(0.8).fillColor(COLORS.primary).font(FONT.bold).fontSize(13).text(typo(text), PAGE_MARGIN);
  doc.moveDown(0.3).fillColor(COLORS.text).font(FONT.regular).fontSize(10);
};

/** A paragraph of our own text (French typography applied). */
export const paragraph = (
  doc: PDFKit.PDFDocument,
  text: string,
  { size = 9, color = COLORS.text }: { size?: number; color?: string } = {}
) => {
  doc
    .fillColor(color)
    .font(FONT.regular)
    .fontSize(size)
    .text(typo(text), PAGE_MARGIN, doc.y, { width: doc.page.width - 2 * PAGE_MARGIN });
  doc.fillColor(COLORS.text);
};

/**
 * A table: first column left-aligned, others right-aligned (amounts, counts; numbers are written
 * French style). The header row (our own text) is repeated at the top of every page the table runs
 * onto, and is never left alone at the bottom of a page. Cells are printed as given (names as typed).
 */
export const table = (doc: PDFKit.PDFDocument, headers: string[], rows: Array<Array<string | number>>, widths?: number[]) => {
  const total = doc.page.width - 2 * PAGE_MARGIN;
  const w = widths ?? [total * 0.4, ...headers.slice(1).map(() => (total * 0.6) / Math.max(1, headers.length - 1))];
  const text = (c: string | number | null | undefined) => (typeof c === 'number' ? formatCount(c) : String(c ?? ''));
  const heightOf = (cells: string[], bold: boolean) => {
    doc.font(bold ? FONT.bold : FONT.regular).fontSize(9);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: w[i] - 6 }))) + 6;
  };
  const draw = (cells: string[], bold: boolean, h: number) => {
    const y = doc.y;
    let x = PAGE_MARGIN;
    doc
      .font(bold ? FONT.bold : FONT.regular)
      .fontSize(9)
      .fillColor(COLORS.text);
    cells.forEach((c, i) => {
      doc.text(c, x + 3, y + 3, { width: w[i] - 6, align: i === 0 ? 'left' : 'right' });
      x += w[i];
    });
    doc
      .moveTo(PAGE_MARGIN, y + h)
      .lineTo(PAGE_MARGIN + total, y + h)
      .strokeColor(COLORS.line)
      .lineWidth(0.5)
      .stroke();
    doc.x = PAGE_MARGIN;
    doc.y = y + h;
  };
  const header = headers.map((h) => typo(h));
  const headerHeight = heightOf(header, true);
  const body = rows.map((r) => r.map(text));
  const drawHeader = () => draw(header, true, headerHeight);
  // the header with at least its first row, on this page or the next
  if (doc.y + headerHeight + (body.length ? heightOf(body[0], false) : 0) > contentBottom(doc)) doc.addPage();
  drawHeader();
  for (const cells of body) {
    const h = heightOf(cells, false);
    if (doc.y + h > contentBottom(doc)) {
      doc.addPage();
      drawHeader();
    }
    draw(cells, false, h);
  }
  doc.moveDown(0.5);
};

/** Footer on every page (printing date, page numbers), then the whole document as a Buffer. */
export const endToBuffer = (doc: PDFKit.PDFDocument, identity: AssociationIdentity): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const printed = DateTime.now().setZone(TZ).setLocale('fr').toFormat("d LLLL yyyy 'à' HH:mm");
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(FONT.regular)
      .fontSize(8)
      .fillColor(COLORS.muted)
      .text(`${identity.name} — édité le ${printed} — page ${i + 1}/${range.count}`, PAGE_MARGIN, doc.page.height - 35, {
        width: doc.page.width - 2 * PAGE_MARGIN,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
};

/**
 * Amount in euros with plain spaces, 1 234,50 € (from a number or a decimal string), for plain-text
 * mail templates. PDFs use typography.ts (non-breaking spaces).
 */
export const euros = (value: number | string | null | undefined) =>
  new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(Number(value ?? 0)).replace(/\u202f|\u00a0/g, ' ');
