import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import zlib from 'zlib';
import type { TestApp } from '../helpers/strapi';
import { download } from '../exports/helpers';

const pdfParse = require('pdf-parse/lib/pdf-parse.js');

/**
 * PDFs read back by real readers: poppler's pdftotext and pdffonts (Debian's poppler-utils, the
 * tools behind most Linux PDF viewers) and pdf-parse (Mozilla's pdf.js).
 */
const withFile = <T>(pdf: Buffer, run: (file: string) => T): T => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-pdf-'));
  const file = path.join(dir, 'doc.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return run(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

/** pdftotext's text (UTF-8); `pages` = [first, last] (1-based). */
export const pdftotext = (pdf: Buffer, { layout = false, pages }: { layout?: boolean; pages?: [number, number] } = {}) =>
  withFile(pdf, (file) =>
    execFileSync('pdftotext', [
      ...(layout ? ['-layout'] : []),
      ...(pages ? ['-f', String(pages[0]), '-l', String(pages[1])] : []),
      '-enc',
      'UTF-8',
      file,
      '-',
    ]).toString('utf8')
  );

/**
 * The exact characters drawn, one string per text operation, decoded from the content streams
 * through each font's ToUnicode map. pdftotext and pdf.js turn every kind of space into a plain
 * one; this keeps the non-breaking spaces, to check the typography. Written for pdfkit's output
 * (hexadecimal glyph strings in TJ arrays, one font per Tf).
 */
export const drawnText = (pdf: Buffer): string[] => {
  const raw = pdf.toString('latin1');
  const objects = new Map<string, { dict: string; stream?: string }>();
  for (const m of raw.matchAll(/(\d+) 0 obj([\s\S]*?)endobj/g)) {
    const body = m[2];
    const at = body.indexOf('stream\n');
    if (at < 0) objects.set(m[1], { dict: body });
    else {
      const data = Buffer.from(body.slice(at + 7, body.lastIndexOf('\nendstream')), 'latin1');
      objects.set(m[1], {
        dict: body.slice(0, at),
        stream: (/FlateDecode/.test(body.slice(0, at)) ? zlib.inflateSync(data) : data).toString('latin1'),
      });
    }
  }
  const toUnicode = (id: string) => {
    const map = new Map<number, string>();
    const cmap = objects.get(id)!.stream!;
    // an entry may map one glyph to several code points: <0066 0069>
    const hex = (h: string) =>
      String.fromCharCode(
        ...h
          .trim()
          .split(/\s+/)
          .map((x) => parseInt(x, 16))
      );
    for (const [, first, list] of cmap.matchAll(/<([0-9a-f]+)> <[0-9a-f]+> \[([^\]]*)\]/gi)) {
      [...list.matchAll(/<([0-9a-f ]+)>/gi)].forEach((u, i) => map.set(parseInt(first, 16) + i, hex(u[1])));
    }
    return map;
  };
  const fonts = new Map<string, Map<number, string>>();
  for (const [, name, id] of raw.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    const unicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(id)?.dict ?? '');
    if (unicode && !fonts.has(name)) fonts.set(name, toUnicode(unicode[1]));
  }
  const out: string[] = [];
  for (const { stream } of objects.values()) {
    if (!stream || !/ Tf\b/.test(stream)) continue;
    let font: Map<number, string> | undefined;
    for (const op of stream.matchAll(/\/(F\d+) [\d.]+ Tf|\[((?:<[0-9a-f]*>|[\s\d.-])*)\] TJ/gi)) {
      if (op[1]) font = fonts.get(op[1]);
      else
        out.push(
          [...op[2].matchAll(/<([0-9a-f]*)>/gi)]
            .map((h) => (h[1].match(/.{4}/g) ?? []).map((g) => font?.get(parseInt(g, 16)) ?? '\ufffd').join(''))
            .join('')
        );
    }
  }
  return out;
};

/** pdf.js's text (through pdf-parse) and page count. */
export const pdfjsText = async (pdf: Buffer): Promise<{ text: string; numpages: number }> => pdfParse(pdf);

/** The fonts pdffonts lists: name, type and whether each is embedded. */
export const pdffonts = (pdf: Buffer) =>
  withFile(pdf, (file) => {
    const lines = execFileSync('pdffonts', [file]).toString('utf8').split('\n');
    // columns are fixed width; the header's dashes give them
    const dashes = lines[1];
    const cols = [...dashes.matchAll(/-+/g)].map((m) => [m.index!, m.index! + m[0].length]);
    return lines
      .slice(2)
      .filter((l) => l.trim())
      .map((l) => {
        const [name, type, encoding, emb, sub, uni] = cols.map(([a, b]) => l.slice(a, b + 1).trim());
        return { name, type, encoding, emb, sub, uni };
      });
  });

/** Every word with its box, by page (pdftotext -bbox). */
export const words = (pdf: Buffer) =>
  withFile(pdf, (file) => {
    const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-']).toString('utf8');
    const pages = html.split('<page ').slice(1);
    const decode = (t: string) =>
      t
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
    return pages.map((p) =>
      [...p.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
        yMax: Number(m[4]),
        text: decode(m[5]),
      }))
    );
  });

export const downloadPdf = async (app: TestApp, url: string, token?: string) => {
  const res = await download(app, url, token);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  return res.body as Buffer;
};

/** Whitespace of any kind (non-breaking ones included) as one plain space. */
export const flat = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ');

/** An amount as printed, « 1 234,56 € » or « -12,50 € » (any spaces), in integer cents; « — » is null. */
export const AMOUNT = '-?\\d{1,3}(?:[ \\u00a0\\u202f]\\d{3})*,\\d{2}[ \\u00a0\\u202f]?€';
export const cents = (printed: string): number | null => {
  if (printed.trim() === '—') return null;
  const digits = printed.replace(/[^\d,-]/g, '');
  const [units, decimals] = digits.split(',');
  const sign = units.startsWith('-') ? -1 : 1;
  return sign * (Math.abs(Number(units)) * 100 + Number(decimals));
};

/** Fonts: every one embedded, none of the 14 standard ones (Helvetica...). */
export const expectEmbeddedFontsOnly = (pdf: Buffer) => {
  const fonts = pdffonts(pdf);
  expect(fonts.length).toBeGreaterThan(0);
  for (const f of fonts) {
    expect(f).toMatchObject({ emb: 'yes', uni: 'yes' });
    expect(f.name).not.toMatch(/Helvetica|Times|Courier|Arial/i);
  }
  expect(fonts.some((f) => /DejaVuSans$/.test(f.name))).toBe(true);
  expect(fonts.some((f) => /DejaVuSans-Bold$/.test(f.name))).toBe(true);
};
