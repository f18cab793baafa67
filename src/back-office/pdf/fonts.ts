import fs from 'fs';
import PDFDocument from 'pdfkit';

// subset-font has no typings: its one function, as used here
const subsetFont = require('subset-font') as (
  font: Buffer,
  text: string,
  options: { targetFormat: 'sfnt'; dropTables?: string[] }
) => Promise<Buffer>;

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
type FontData = Record<Weight, Buffer>;

const FILES: Record<Weight, string> = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' };

let loaded: FontData | undefined;
export const fontData = (): FontData =>
  (loaded ??= {
    regular: fs.readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${FILES.regular}`)),
    bold: fs.readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${FILES.bold}`)),
  });

/** A new pdfkit document whose default font is the embedded one (no Helvetica is ever loaded). */
export const newPdfDocument = (options: PDFKit.PDFDocumentOptions = {}, data: FontData = fontData()) => {
  // `font` accepts the font's bytes as well as a path (pdfkit's typings only say string)
  const doc = new PDFDocument({ ...options, font: data.regular as unknown as string });
  doc.registerFont(FONT.regular, data.regular);
  doc.registerFont(FONT.bold, data.bold);
  return doc.font(FONT.regular);
};

/**
 * The compact fonts: DejaVu reduced, once per process, to the characters an association's documents
 * use (about 500 glyphs and 60 KB instead of 6,000 glyphs and 750 KB), by HarfBuzz's subsetter
 * (`subset-font`), which keeps the character map, the widths, the kerning and the substitutions
 * of the glyphs kept: the text is drawn exactly as with the full font. pdfkit reads a font's tables
 * again for every document; for many small documents (thousands of tax receipts), reading a small
 * font instead of the full one is most of the drawing time saved.
 *
 * Kept: Latin (ASCII, Latin-1 Supplement, Latin Extended-A, and ș ț of Romanian), the general
 * punctuation block (’ « » … – — · and the non-breaking and thin spaces), €, −, ≤ ≥, № and the
 * form's boxes ☐ ☒. A document with any other character (Greek, Cyrillic, Vietnamese, a name
 * typed with combining accents...) is drawn with the full font (`newPdfDocumentFor`).
 */
const codePoints = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const COMPACT = new Set<number>([
  ...codePoints(0x20, 0x7e),
  ...codePoints(0xa0, 0x17f),
  ...codePoints(0x218, 0x21b),
  ...codePoints(0x2000, 0x206f),
  ...[...'€−≤≥№☐☒'].map((c) => c.codePointAt(0)!),
]);

/** Whether every character of `text` is in the compact fonts (line breaks and tabs, never drawn, aside). */
export const fitsCompactFonts = (text: string) => {
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (code >= 0x20 && !COMPACT.has(code)) return false;
  }
  return true;
};

let compact: Promise<FontData | Error> | undefined;
let warned = false;
/** The compact fonts, made at the first use (about 150 ms); an Error if HarfBuzz failed (the full fonts are used). */
const compactFontData = () =>
  (compact ??= (async () => {
    const text = String.fromCodePoint(...COMPACT);
    const full = fontData();
    // MATH (formulas' layout) is not used by pdfkit
    const [regular, bold] = await Promise.all(
      [full.regular, full.bold].map((font) => subsetFont(font, text, { targetFormat: 'sfnt', dropTables: ['MATH'] }))
    );
    return { regular, bold };
  })().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));

/**
 * A document whose every text is known before it is drawn (a tax receipt: its frozen data and our
 * own labels): with the compact fonts when `texts` (every value the document prints, in one string)
 * has only characters they keep, with the full fonts otherwise. `warn` is told once if the compact
 * fonts could not be made.
 */
export const newPdfDocumentFor = async (texts: string, options: PDFKit.PDFDocumentOptions = {}, warn?: (message: string) => void) => {
  if (!fitsCompactFonts(texts)) return newPdfDocument(options);
  const data = await compactFontData();
  if (data instanceof Error) {
    if (!warned) warn?.(`[pdf] police réduite indisponible, police complète utilisée : ${data.message}`);
    warned = true;
    return newPdfDocument(options);
  }
  return newPdfDocument(options, data);
};
