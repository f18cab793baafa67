import fs from 'fs';
import path from 'path';
import PDFDocument from 'pdfkit';
import { DateTime } from 'luxon';
import type { Strapi } from '../types';
import { TZ } from '../dues/period';

/**
 * The association's printed documents (financial report, statistics report...): A4, pdfkit's
 * standard Helvetica (WinAnsi covers French accents and €), a header with the association's
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

/** Name, identifiers and logo file (local upload) of the association, from its settings. */
export const associationIdentity = async (strapi: Strapi): Promise<AssociationIdentity> => {
  const a: any = await strapi.db.query('api::association.association').findOne({ populate: { logo: true } });
  let logoPath: string | null = null;
  const url: string | undefined = a?.logo?.formats?.small?.url ?? a?.logo?.url;
  if (url && url.startsWith('/') && /\.(png|jpe?g)$/i.test(url)) {
    const file = path.join(strapi.dirs.static.public, url);
    if (fs.existsSync(file)) logoPath = file;
  }
  return { name: a?.name ?? 'Association', rna: a?.rna, siren: a?.siren, address: a?.address, postalCode: a?.postalCode, city: a?.city, logoPath };
};

/** A new A4 document with the header drawn; finish with `endToBuffer(doc)`. */
export const createReport = (identity: AssociationIdentity, { title, subtitle }: { title: string; subtitle?: string }) => {
  const doc = new PDFDocument({ size: 'A4', margin: PAGE_MARGIN, bufferPages: true, info: { Title: `${title} — ${identity.name}`, Author: identity.name } });
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
  doc.fillColor(COLORS.text).font('Helvetica-Bold').fontSize(16).text(identity.name, x, top, { width: 495 - (x - PAGE_MARGIN) });
  const ids = [identity.rna && `RNA ${identity.rna}`, identity.siren && `SIREN ${identity.siren}`].filter(Boolean).join(' · ');
  const address = [identity.address, [identity.postalCode, identity.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  doc.font('Helvetica').fontSize(9).fillColor(COLORS.muted);
  if (ids) doc.text(ids, x);
  if (address) doc.text(address, x);
  doc.moveDown(1.5);
  doc.x = PAGE_MARGIN;
  doc.y = Math.max(doc.y, top + 70);
  doc.fillColor(COLORS.primary).font('Helvetica-Bold').fontSize(20).text(title, PAGE_MARGIN);
  if (subtitle) doc.fillColor(COLORS.muted).font('Helvetica').fontSize(11).text(subtitle);
  doc.moveDown(1);
  doc.fillColor(COLORS.text).font('Helvetica').fontSize(10);
  return doc;
};

/** Section title. */
export const heading = (doc: PDFKit.PDFDocument, text: string) => {
  if (doc.y > doc.page.height - 150) doc.addPage();
  doc.moveDown(0.8).fillColor(COLORS.primary).font('Helvetica-Bold').fontSize(13).text(text, PAGE_MARGIN);
  doc.moveDown(0.3).fillColor(COLORS.text).font('Helvetica').fontSize(10);
};

/** A simple table: first column left-aligned, others right-aligned (amounts, counts). */
export const table = (doc: PDFKit.PDFDocument, headers: string[], rows: Array<Array<string | number>>, widths?: number[]) => {
  const total = doc.page.width - 2 * PAGE_MARGIN;
  const w = widths ?? [total * 0.4, ...headers.slice(1).map(() => (total * 0.6) / Math.max(1, headers.length - 1))];
  const drawRow = (cells: Array<string | number>, bold: boolean) => {
    if (doc.y > doc.page.height - 80) doc.addPage();
    const y = doc.y;
    let x = PAGE_MARGIN;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    const heights = cells.map((c, i) => doc.heightOfString(String(c ?? ''), { width: w[i] - 6 }));
    cells.forEach((c, i) => {
      doc.text(String(c ?? ''), x + 3, y + 3, { width: w[i] - 6, align: i === 0 ? 'left' : 'right' });
      x += w[i];
    });
    const h = Math.max(...heights) + 6;
    doc.moveTo(PAGE_MARGIN, y + h).lineTo(PAGE_MARGIN + total, y + h).strokeColor(COLORS.line).lineWidth(0.5).stroke();
    doc.x = PAGE_MARGIN;
    doc.y = y + h;
  };
  drawRow(headers, true);
  for (const r of rows) drawRow(r, false);
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
    doc.font('Helvetica').fontSize(8).fillColor(COLORS.muted)
      .text(`${identity.name} — édité le ${printed} — page ${i + 1}/${range.count}`, PAGE_MARGIN, doc.page.height - 35, { width: doc.page.width - 2 * PAGE_MARGIN, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
};

/** Amount in euros, French format: 1 234,50 € (from a number or a decimal string). */
export const euros = (value: number | string | null | undefined) =>
  new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(Number(value ?? 0)).replace(/\u202f|\u00a0/g, ' ');
