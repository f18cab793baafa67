import fs from 'fs';
import path from 'path';
import { PassThrough } from 'node:stream';
import type { Strapi } from '../types';
import { FONT, newPdfDocument, newPdfDocumentFor } from '../pdf/fonts';
import { formatCentsAsEuros, fr, NBSP, typo } from '../pdf/typography';
import { enumLabel } from '../../contract/labels';
import { receiptImagesFolder, renderFileInWorker, renderInWorker } from './render';
import type { PrintedReceipt, ReceiptRow } from './rows';

/**
 * A tax receipt as a PDF (A4, the embedded Unicode font, French typography): the association's own
 * layout carrying every mention of the official forms (Cerfa n° 11580*05 for individuals, form
 * 2041-MEC-SD / Cerfa n° 16216 for companies). Drawn only from the receipt's frozen snapshot, so a
 * receipt prints the same whenever it is printed; once cancelled it carries « ANNULÉ » and the reason.
 */
const M = 50;
const WIDTH = 595.28 - 2 * M;
const COLORS = { text: '#222222', muted: '#555555', line: '#999999', cancelled: '#c0392b' };
const CHECKED = '☒';
const UNCHECKED = '☐';

const date = (iso: string | null | undefined) => (iso ? iso.slice(0, 10).split('-').reverse().join('/') : '');
const dateTime = (value: string | Date | null | undefined) =>
  value ? new Date(value).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' }) : '';

/** An image of the snapshot (logo, signature) in the public folder, or null. */
const imagePath = (publicDir: string, url: string | null | undefined) => {
  if (!url || !url.startsWith('/')) return null;
  const file = path.join(publicDir, url);
  return fs.existsSync(file) ? file : null;
};

type Doc = PDFKit.PDFDocument;

const section = (doc: Doc, title: string) => {
  if (doc.y > doc.page.height - 120) doc.addPage();
  doc.moveDown(0.5);
  const y = doc.y;
  doc
    .moveTo(M, y)
    .lineTo(M + WIDTH, y)
    .lineWidth(0.5)
    .strokeColor(COLORS.line)
    .stroke();
  doc.moveDown(0.3).font(FONT.bold).fontSize(10.5).fillColor(COLORS.text).text(typo(title), M, doc.y, { width: WIDTH });
  doc.moveDown(0.2).font(FONT.regular).fontSize(9.5);
};

/** « Label : value » — our label with French typography, the value (a name, an address) as typed. */
const field = (doc: Doc, label: string, value: string | null | undefined) => {
  if (value === null || value === undefined || value === '') return;
  doc
    .font(FONT.bold)
    .text(typo(`${label} : `), M, doc.y, { continued: true, width: WIDTH })
    .font(FONT.regular)
    .text(value);
};

/** The form's boxes on one line (wrapped when long), the ones that apply checked. */
const boxes = (doc: Doc, options: Array<[string, boolean]>) => {
  doc.text(options.map(([label, checked]) => `${checked ? CHECKED : UNCHECKED}${NBSP}${typo(label)}`).join('     '), M + 10, doc.y, {
    width: WIDTH - 10,
  });
};

const cashMeans = (method: string) =>
  method === 'cash' ? 'cash' : method === 'cheque' ? 'cheque' : ['transfer', 'card', 'helloasso'].includes(method) ? 'transfer' : 'other';

/** Draws one receipt on the document, from a new page; its images are read from `publicDir` (the public folder, or local copies of the S3 objects). */
export const drawReceipt = (publicDir: string, doc: Doc, receipt: PrintedReceipt, first: boolean) => {
  if (!first) doc.addPage();
  const s = receipt.snapshot;
  const company = s.donor.kind === 'company';
  const top = M;
  let x = M;
  const logo = imagePath(publicDir, s.issuer.logo);
  if (logo) {
    try {
      doc.image(logo, M, top, { fit: [64, 64] });
      x += 76;
    } catch {
      // an unreadable logo must not prevent the receipt
    }
  }
  doc
    .fillColor(COLORS.text)
    .font(FONT.bold)
    .fontSize(15)
    .text(fr`Reçu fiscal n° ${receipt.number}`, x, top, { width: WIDTH - (x - M) });
  doc.font(FONT.regular).fontSize(9).fillColor(COLORS.muted);
  doc.text(
    typo(
      company
        ? 'Reçu au titre des dons à certains organismes d’intérêt général — article 238 bis du code général des impôts (modèle reprenant les mentions du formulaire 2041-MEC-SD, Cerfa n° 16216).'
        : 'Reçu au titre des dons à certains organismes d’intérêt général — articles 200 et 978 du code général des impôts (modèle reprenant les mentions du Cerfa n° 11580*05).'
    ),
    x,
    doc.y,
    { width: WIDTH - (x - M) }
  );
  if (receipt.mode === 'annual') doc.text(typo('Reçu récapitulatif des dons de la période.'), x, doc.y, { width: WIDTH - (x - M) });
  if (receipt.replacesNumber)
    doc.text(fr`Ce reçu annule et remplace le reçu n° ${receipt.replacesNumber}.`, x, doc.y, { width: WIDTH - (x - M) });
  if (receipt.cancelled) {
    // in the header, where it is read first and never collides with the end of a full page
    doc.font(FONT.bold).fillColor(COLORS.cancelled);
    doc.text(fr`REÇU ANNULÉ le ${dateTime(receipt.cancelledAt)} — motif : ${receipt.cancelReason}`, x, doc.y, {
      width: WIDTH - (x - M),
    });
    doc.font(FONT.regular);
  }
  doc.y = Math.max(doc.y, top + 70);
  doc.fillColor(COLORS.text);

  section(doc, 'Bénéficiaire des versements');
  field(doc, 'Nom ou dénomination', s.issuer.name);
  field(doc, 'N° SIREN', s.issuer.siren);
  field(doc, 'N° RNA', s.issuer.rna);
  field(doc, 'Adresse', `${s.issuer.address}, ${s.issuer.postalCode} ${s.issuer.city}`);
  field(doc, 'Objet', s.issuer.object);
  doc.font(FONT.bold).text(typo('Catégorie de l’organisme :'), M, doc.y, { width: WIDTH }).font(FONT.regular);
  boxes(doc, [[s.issuer.categoryLabel, true]]);

  section(doc, 'Donateur');
  if (company) {
    field(doc, 'Dénomination', s.donor.companyName);
    field(doc, 'Forme juridique', s.donor.legalForm);
    field(doc, 'N° SIREN', s.donor.siren);
  } else {
    field(doc, 'Nom', s.donor.lastName);
    field(doc, 'Prénoms', s.donor.firstName);
  }
  field(
    doc,
    'Adresse',
    [
      s.donor.address,
      `${s.donor.postalCode ?? ''} ${s.donor.city ?? ''}`.trim(),
      s.donor.country && s.donor.country !== 'France' ? s.donor.country : null,
    ]
      .filter(Boolean)
      .join(', ')
  );

  section(doc, 'Dons et versements');
  doc.text(
    typo('Le bénéficiaire reconnaît avoir reçu, au titre des dons et versements ouvrant droit à réduction d’impôt, la somme de :'),
    M,
    doc.y,
    { width: WIDTH }
  );
  doc
    .moveDown(0.3)
    .font(FONT.bold)
    .fontSize(13)
    .text(`*** ${formatCentsAsEuros(s.totalCents)} ***`, M, doc.y, { width: WIDTH, align: 'center' });
  doc.font(FONT.regular).fontSize(9.5).moveDown(0.2);
  field(doc, 'Somme en toutes lettres', s.amountInWords);
  if (receipt.mode === 'annual') field(doc, 'Période', `du ${date(s.periodStart)} au ${date(s.periodEnd)}`);
  else field(doc, 'Date du versement ou du don', date(s.lines[0]?.receivedAt));
  if (receipt.mode === 'annual' || s.lines.length > 1) {
    doc.moveDown(0.3).font(FONT.bold).fontSize(8.5).text(typo('Détail des dons :'), M, doc.y, { width: WIDTH });
    doc.font(FONT.regular);
    for (const l of s.lines) {
      if (doc.y > doc.page.height - 90) doc.addPage();
      const means = l.nature === 'cash' ? ` — ${enumLabel('api::donation.donation', 'method', l.method)}` : '';
      doc.text(
        `${date(l.receivedAt)} — ${formatCentsAsEuros(l.amountCents)} — ${enumLabel('api::donation.donation', 'nature', l.nature)}${means}`,
        M + 10,
        doc.y,
        { width: WIDTH - 10 }
      );
    }
    doc.fontSize(9.5);
  }

  const articles = s.articles;
  const certified = articles.map((a) => `${a} du code général des impôts`).join(', et à l’article ');
  section(doc, 'Certification');
  doc.text(
    typo(
      `Le bénéficiaire certifie sur l’honneur que les dons et versements qu’il reçoit ouvrent droit à la réduction d’impôt prévue à l’article ${certified}.`
    ),
    M,
    doc.y,
    { width: WIDTH }
  );

  const forms = new Set<string>(s.lines.map((l) => l.giftForm));
  const natures = new Set<string>(s.lines.map((l) => l.nature));
  const means = new Set<string>(s.lines.filter((l) => l.nature === 'cash').map((l) => cashMeans(l.method)));
  section(doc, 'Forme du don');
  boxes(doc, [
    ['Acte authentique', forms.has('authentic_deed')],
    ['Acte sous seing privé', forms.has('private_deed')],
    ['Déclaration de don manuel', forms.has('manual_gift')],
    ['Autres', forms.has('other')],
  ]);
  section(doc, 'Nature du don');
  const inKind = s.lines.filter((l) => l.nature === 'in_kind');
  boxes(doc, [
    ['Numéraire', natures.has('cash')],
    ['Titres de sociétés cotés', false],
    ['Abandon de revenus ou de produits', false],
    ['Frais engagés par les bénévoles, dont ils renoncent expressément au remboursement', natures.has('waived_expenses')],
    ['Autres (don en nature)', natures.has('in_kind')],
  ]);
  for (const l of inKind)
    doc.text(`${typo('Description et valeur :')} ${l.description} — ${formatCentsAsEuros(l.amountCents)}`, M + 22, doc.y, {
      width: WIDTH - 22,
    });
  for (const l of s.lines.filter((x) => x.nature === 'waived_expenses' && x.description))
    doc.text(`${typo('Frais :')} ${l.description} — ${formatCentsAsEuros(l.amountCents)}`, M + 22, doc.y, { width: WIDTH - 22 });
  if (natures.has('cash')) {
    section(doc, 'Mode de versement du don (numéraire)');
    boxes(doc, [
      ['Remise d’espèces', means.has('cash')],
      ['Chèque', means.has('cheque')],
      ['Virement, prélèvement, carte bancaire', means.has('transfer')],
      ...(means.has('other') ? ([['Autre', true]] as Array<[string, boolean]>) : []),
    ]);
  }

  if (doc.y > doc.page.height - 150) doc.addPage();
  doc
    .moveDown(1)
    .font(FONT.regular)
    .fontSize(9.5)
    .text(fr`Fait à ${s.issuer.city}, le ${date(s.issuedOn)}`, M, doc.y, { width: WIDTH });
  doc.text(`${s.issuer.signatoryName}, ${s.issuer.signatoryCapacity}`, M, doc.y, { width: WIDTH });
  const signature = imagePath(publicDir, s.issuer.signature);
  if (signature) {
    try {
      doc.image(signature, M, doc.y + 4, { fit: [150, 60] });
      doc.y += 68;
    } catch {
      doc.text(typo('(signature illisible)'));
    }
  }

  if (receipt.cancelled) {
    const page = doc.page;
    doc.save();
    doc.rotate(-35, { origin: [page.width / 2, page.height / 2] });
    doc
      .font(FONT.bold)
      .fontSize(110)
      .fillColor(COLORS.cancelled)
      .fillOpacity(0.25)
      .text('ANNULÉ', 0, page.height / 2 - 60, { width: page.width, align: 'center', lineBreak: false });
    doc.restore();
    doc.fillOpacity(1).fillColor(COLORS.text).font(FONT.regular);
  }
};

const newDocument = (title: string) => newPdfDocument({ size: 'A4', margin: M, info: { Title: title } }).fillColor(COLORS.text);

/** The number of the receipt a receipt replaces, for its header. */
const withReplaced = async (
  strapi: Strapi,
  receipt: PrintedReceipt & Partial<Pick<ReceiptRow, 'id' | 'replaces'>>
): Promise<PrintedReceipt> => {
  if (receipt.replacesNumber !== undefined) return receipt;
  // read with its list (receiptsOfYear): no query per receipt
  if (receipt.replaces !== undefined) return { ...receipt, replacesNumber: receipt.replaces?.number ?? null };
  const row = await strapi.db
    .query('api::receipt.receipt')
    .findOne({ where: { id: receipt.id }, populate: { replaces: { select: ['number'] } }, select: ['id'] });
  return { ...receipt, replacesNumber: row?.replaces?.number ?? null };
};

/**
 * Every value a receipt prints besides our own labels: its frozen data, its number, the number it
 * replaces, the reason of its cancellation. One string, scanned for the characters of the font.
 */
const printedValues = (receipt: PrintedReceipt) =>
  JSON.stringify([receipt.number, receipt.snapshot, receipt.replacesNumber ?? null, receipt.cancelReason ?? null]);

/**
 * One receipt (with its `replacesNumber`) as a PDF in memory: with the compact fonts (pdf/fonts.ts),
 * made once per process or worker, unless a value it prints has a character they do not keep.
 * Needs no Strapi: it runs in the receipts' worker thread (render.ts).
 */
export const renderReceipt = async (publicDir: string, receipt: PrintedReceipt, warn?: (message: string) => void): Promise<Buffer> => {
  const title = `Reçu fiscal n° ${receipt.number}`;
  const doc = (await newPdfDocumentFor(printedValues(receipt), { size: 'A4', margin: M, info: { Title: title } }, warn)).fillColor(
    COLORS.text
  );
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  drawReceipt(publicDir, doc, receipt, true);
  doc.end();
  return done;
};

/** One receipt as a PDF in memory (issue, cancellation, download of a receipt without a stored PDF). */
export const receiptPdf = async (strapi: Strapi, receipt: Parameters<typeof withReplaced>[1]): Promise<Buffer> =>
  renderInWorker(strapi, await withReplaced(strapi, receipt), renderReceipt);

/** One receipt drawn straight into the file `file` (the issue of many receipts); its size in bytes. */
export const receiptPdfFile = async (strapi: Strapi, receipt: Parameters<typeof withReplaced>[1], file: string): Promise<number> =>
  renderFileInWorker(strapi, await withReplaced(strapi, receipt), renderReceipt, file);

/**
 * Many receipts in one PDF to print (a bulk generation, the donors without e-mail), streamed: each
 * page is written out as soon as it is drawn, the receipts are read in batches.
 */
export const receiptsPdfStream = (strapi: Strapi, batches: () => AsyncIterable<ReceiptRow[]>, title: string) => {
  const out = new PassThrough();
  const doc = newDocument(title);
  doc.pipe(out);
  (async () => {
    let first = true;
    for await (const batch of batches()) {
      for (const receipt of batch) {
        const printed = await withReplaced(strapi, receipt);
        drawReceipt(await receiptImagesFolder(strapi, printed), doc, printed, first);
        first = false;
      }
    }
    if (first) doc.font(FONT.regular).fontSize(11).text(typo('Aucun reçu à imprimer.'), M, M);
    doc.end();
  })().catch((e) => {
    strapi.log.error(`[reçus] impression interrompue : ${e?.stack ?? e}`);
    out.destroy(e);
  });
  return out;
};
