import fs from 'fs';
import PDFDocument from 'pdfkit';

/**
 * The font embedded in every PDF: DejaVu Sans (regular and bold), from the npm package
 * `dejavu-fonts-ttf` (free licence: Bitstream Vera's, DejaVu changes in the public domain). pdfkit's
 * standard Helvetica is never used: it is not embedded and only encodes Windows-1252, so a Polish,
 * Greek or Cyrillic name, ≥ or ’ would print as garbage. DejaVu covers Latin, Greek and Cyrillic;
 * pdfkit embeds only the glyphs used, with their Unicode mapping (text can be copied and searched).
 *
 * The files are found by Node's module resolution (node_modules), so this works from the sources
 * (tests) and from the compiled `dist/` alike; they are read once per process.
 */
export const FONT = { regular: 'DejaVuSans', bold: 'DejaVuSans-Bold' } as const;
type Weight = keyof typeof FONT;

const FILES: Record<Weight, string> = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' };

let loaded: Record<Weight, Buffer> | undefined;
export const fontData = (): Record<Weight, Buffer> =>
  (loaded ??= {
    regular: fs.readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${FILES.regular}`)),
    bold: fs.readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${FILES.bold}`)),
  });

/** A new pdfkit document whose default font is the embedded one (no Helvetica is ever loaded). */
export const newPdfDocument = (options: PDFKit.PDFDocumentOptions = {}) => {
  const data = fontData();
  // `font` accepts the font's bytes as well as a path (pdfkit's typings only say string)
  const doc = new PDFDocument({ ...options, font: data.regular as unknown as string });
  doc.registerFont(FONT.regular, data.regular);
  doc.registerFont(FONT.bold, data.bold);
  return doc.font(FONT.regular);
};
