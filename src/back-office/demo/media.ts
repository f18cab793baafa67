import fs from 'fs';
import os from 'os';
import path from 'path';
import sharp from 'sharp';
import type { Strapi } from '../types';
import { newPdfDocument } from '../pdf/fonts';

/**
 * Demo pictures and files, generated on this machine (no network): an SVG drawn here and rendered
 * to PNG by sharp (already installed by Strapi's upload plugin), and PDFs written with pdfkit.
 * They go through Strapi's upload service, so the media library creates the image formats.
 */

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A 1200×630 cover: coloured background, a few shapes, the title in white. */
export const coverPng = async (title: string, color: string, variant: number) => {
  const words = title.split(' ');
  const lines: string[] = [];
  for (const w of words) {
    if (lines.length && (lines[lines.length - 1] + ' ' + w).length <= 28) lines[lines.length - 1] += ' ' + w;
    else lines.push(w);
  }
  const circles = [0, 1, 2, 3, 4]
    .map((i) => {
      const cx = (variant * 137 + i * 263) % 1200;
      const cy = (variant * 71 + i * 151) % 630;
      return `<circle cx="${cx}" cy="${cy}" r="${60 + ((variant + i) % 4) * 40}" fill="#ffffff" fill-opacity="0.12"/>`;
    })
    .join('');
  const text = lines
    .map(
      (l, i) =>
        `<text x="80" y="${300 + (i - (lines.length - 1) / 2) * 72}" font-family="DejaVu Sans, sans-serif" font-size="60" font-weight="bold" fill="#ffffff">${escapeXml(l)}</text>`
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">
    <rect width="1200" height="630" fill="${color}"/>${circles}
    <rect x="0" y="560" width="1200" height="70" fill="#000000" fill-opacity="0.25"/>
    <text x="80" y="606" font-family="DejaVu Sans, sans-serif" font-size="28" fill="#ffffff">Solidarités Rhône Ensemble</text>${text}
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
};

/** A handwritten-looking signature (the treasurer's, printed on the tax receipts). */
export const signaturePng = async (name: string) => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="160">
    <path d="M20 110 C 60 20, 90 20, 110 100 S 160 150, 190 70 S 250 30, 270 100 S 330 130, 360 60 S 420 60, 460 90" stroke="#1b2a6b" stroke-width="5" fill="none" stroke-linecap="round"/>
    <text x="30" y="150" font-family="DejaVu Sans, sans-serif" font-size="18" fill="#1b2a6b">${name.replace(/[<&>]/g, '')}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
};

/** A short PDF with a title and paragraphs. */
export const simplePdf = (title: string, paragraphs: string[]) =>
  new Promise<Buffer>((resolve, reject) => {
    const doc = newPdfDocument({ size: 'A4', margin: 56, info: { Title: title } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(20).text(title).moveDown();
    for (const p of paragraphs) doc.fontSize(12).text(p).moveDown(0.5);
    doc.end();
  });

/** Uploads a buffer to the media library; returns the file (with its id and formats). */
export const uploadBuffer = async (strapi: Strapi, buffer: Buffer, name: string, mimetype: string, alternativeText: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-demo-'));
  const filepath = path.join(dir, name);
  fs.writeFileSync(filepath, buffer);
  try {
    const [file] = await strapi
      .plugin('upload')
      .service('upload')
      .upload({
        data: { fileInfo: { name, alternativeText, caption: alternativeText } },
        files: { filepath, originalFilename: name, mimetype, size: buffer.length },
      });
    return file as { id: number; formats?: Record<string, unknown> };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
