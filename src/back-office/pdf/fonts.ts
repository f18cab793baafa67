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

/**
 * The parsed fonts, shared by every document of the process. pdfkit parses the font files again for
 * each document (fontkit) and decodes their tables again (DejaVu's layout and metrics tables cost
 * tens of milliseconds per font and document): a year's thousands of tax receipts, each its own PDF,
 * would spend minutes there. A fontkit font is read-only once parsed, so each document gets pdfkit
 * embedded fonts built on the one parsed font of each weight (each document keeps its own subset of
 * the glyphs it uses, embedded at its end), and the words already laid out are shared as well.
 *
 * pdfkit's internals (0.17): `_font` is the current EmbeddedFont (`font`: its fontkit font, `subset`,
 * `layoutCache`), `_fontFamilies` the fonts a document opened, by name, `_fontCount` their count.
 */
interface PdfkitInternals {
  _font: { font: unknown; layoutCache?: Record<string, unknown>; constructor: new (doc: unknown, font: unknown, id: string) => unknown };
  _fontFamilies: Record<string, unknown>;
  _fontCount: number;
}

let shared: { EmbeddedFont: PdfkitInternals['_font']['constructor']; fonts: Record<Weight, { font: unknown; name: string }> } | undefined;

const parsedFonts = () => {
  if (shared) return shared;
  const data = fontData();
  // one document opens each font the ordinary way: its fontkit fonts are the shared ones
  const first = new PDFDocument({ font: data.regular as unknown as string }) as unknown as PdfkitInternals & PDFKit.PDFDocument;
  const regular = first._font;
  first.font(data.bold as unknown as string);
  const bold = first._font;
  const nameOf = (f: unknown) => (f as { postscriptName: string }).postscriptName;
  shared = {
    EmbeddedFont: regular.constructor,
    fonts: { regular: { font: regular.font, name: nameOf(regular.font) }, bold: { font: bold.font, name: nameOf(bold.font) } },
  };
  return shared;
};

/**
 * The words already laid out (glyphs and positions of the shared fonts, never modified once made),
 * shared too: fontkit's layout decodes its tables again at each call. Started afresh every
 * LAYOUT_CACHE_DOCUMENTS documents, so that the names and amounts of thousands of receipts do not
 * pile up in memory.
 */
const LAYOUT_CACHE_DOCUMENTS = 200;
const newLayouts = (): Record<Weight, Record<string, unknown>> => ({ regular: Object.create(null), bold: Object.create(null) });
let layouts = newLayouts();
let documents = 0;

/** A new pdfkit document whose fonts are the embedded ones (no Helvetica is ever loaded). */
export const newPdfDocument = (options: PDFKit.PDFDocumentOptions = {}) => {
  const { EmbeddedFont, fonts } = parsedFonts();
  if (++documents % LAYOUT_CACHE_DOCUMENTS === 0) layouts = newLayouts();
  // no default font: the document's fonts are set just below, before anything is written
  const doc = new PDFDocument({ ...options, font: null as unknown as string });
  const internals = doc as unknown as PdfkitInternals;
  for (const weight of ['regular', 'bold'] as Weight[]) {
    const embedded = new EmbeddedFont(doc, fonts[weight].font, `F${++internals._fontCount}`) as PdfkitInternals['_font'];
    if (embedded.layoutCache) embedded.layoutCache = layouts[weight];
    // found by our name (FONT) and by the font's own name, as pdfkit looks fonts up
    internals._fontFamilies[FONT[weight]] = embedded;
    internals._fontFamilies[fonts[weight].name] = embedded;
    doc.registerFont(FONT[weight], fontData()[weight]);
  }
  return doc.font(FONT.regular);
};
