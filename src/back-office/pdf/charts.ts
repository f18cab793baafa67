import { COLORS, PAGE_MARGIN } from './document';
import { FONT } from './fonts';
import { formatCount, typo } from './typography';

/**
 * Small vector charts for the printed reports, drawn with pdfkit's own drawing API (no browser, no
 * image): vertical bars (one or several series), a line, horizontal bars for rankings. Each chart
 * is drawn at the current position, full width, and moves `doc.y` below itself.
 */
export interface Series {
  name: string;
  values: Array<number | null>;
  color: string;
}
export interface ChartOptions {
  title: string;
  labels: string[];
  height?: number;
  /** how a value is written on the chart (whole numbers by default; the axis ticks are whole numbers) */
  format?: (v: number) => string;
}

export const CHART_COLORS = ['#4945ff', '#ee5e52', '#328048', '#d9822f', '#7b79ff', '#66b7f1'];
const AXIS = 28;

/** Space for the chart on this page (else a new page); draws the title; returns the plot frame. */
const frame = (doc: PDFKit.PDFDocument, title: string, height: number) => {
  if (doc.y + height + 40 > doc.page.height - PAGE_MARGIN) doc.addPage();
  doc.fillColor(COLORS.text).font(FONT.bold).fontSize(10).text(typo(title), PAGE_MARGIN, doc.y);
  doc.moveDown(0.3);
  const top = doc.y;
  const width = doc.page.width - 2 * PAGE_MARGIN;
  return { left: PAGE_MARGIN + AXIS, top, width: width - AXIS, height };
};

/**
 * The value axis: a step of 1, 2 or 5 × 10^n, never below 1, so that every tick is a whole number
 * (people, missions, euros: no « 2,5 » or « 37,5 »), and a top that is a whole number of steps
 * above the highest value (about four steps).
 */
export const axisTicks = (max: number): number[] => {
  const top = Math.max(1, Math.ceil(max));
  const raw = top / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, ([1, 2, 5, 10].find((k) => k * p >= raw) ?? 10) * p);
  const count = Math.ceil(top / step);
  return Array.from({ length: count + 1 }, (_, i) => i * step);
};

const axes = (doc: PDFKit.PDFDocument, f: ReturnType<typeof frame>, ticks: number[], format: (v: number) => string) => {
  doc.font(FONT.regular).fontSize(7).fillColor(COLORS.muted);
  const max = ticks[ticks.length - 1];
  for (const t of ticks) {
    const y = f.top + f.height - (f.height * t) / max;
    doc
      .moveTo(f.left, y)
      .lineTo(f.left + f.width, y)
      .lineWidth(0.3)
      .strokeColor(COLORS.line)
      .stroke();
    doc.text(format(t), PAGE_MARGIN - 4, y - 3, { width: AXIS, align: 'right', lineBreak: false });
  }
  return max;
};

const xLabels = (doc: PDFKit.PDFDocument, f: ReturnType<typeof frame>, labels: string[]) => {
  const step = f.width / labels.length;
  doc.font(FONT.regular).fontSize(7).fillColor(COLORS.muted);
  labels.forEach((l, i) => doc.text(l, f.left + i * step, f.top + f.height + 3, { width: step, align: 'center', lineBreak: false }));
};

const legend = (doc: PDFKit.PDFDocument, f: ReturnType<typeof frame>, series: Series[]) => {
  let x = f.left;
  const y = f.top + f.height + 14;
  doc.font(FONT.regular).fontSize(7);
  if (series.length > 1) {
    for (const s of series) {
      const name = typo(s.name);
      doc.rect(x, y + 1, 6, 6).fill(s.color);
      doc.fillColor(COLORS.text).text(name, x + 9, y, { lineBreak: false });
      x += 9 + doc.widthOfString(name) + 14;
    }
  }
  doc.x = PAGE_MARGIN;
  doc.y = y + (series.length > 1 ? 14 : 4);
};

/** Vertical bars, grouped when there are several series (e.g. dues and donations by month). */
export const barChart = (
  doc: PDFKit.PDFDocument,
  series: Series[],
  { title, labels, height = 120, format = formatCount }: ChartOptions
) => {
  const f = frame(doc, title, height);
  const max = axes(doc, f, axisTicks(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)))), format);
  const step = f.width / labels.length;
  const barWidth = (step * 0.7) / series.length;
  labels.forEach((_, i) => {
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return;
      const h = (f.height * v) / max;
      doc.rect(f.left + i * step + step * 0.15 + k * barWidth, f.top + f.height - h, barWidth, h).fill(s.color);
    });
  });
  xLabels(doc, f, labels);
  legend(doc, f, series);
};

/** A line with its points (e.g. members at the end of each month); null values are not drawn. */
export const lineChart = (doc: PDFKit.PDFDocument, s: Series, { title, labels, height = 120, format = formatCount }: ChartOptions) => {
  const f = frame(doc, title, height);
  const max = axes(doc, f, axisTicks(Math.max(0, ...s.values.map((v) => v ?? 0))), format);
  const step = f.width / labels.length;
  const points = s.values
    .map((v, i) => (v === null ? null : [f.left + i * step + step / 2, f.top + f.height - (f.height * v) / max]))
    .filter(Boolean) as number[][];
  if (points.length) {
    doc.moveTo(points[0][0], points[0][1]);
    for (const [x, y] of points.slice(1)) doc.lineTo(x, y);
    doc.lineWidth(1.5).strokeColor(s.color).stroke();
    for (const [x, y] of points) doc.circle(x, y, 2).fill(s.color);
  }
  xLabels(doc, f, labels);
  legend(doc, f, [s]);
};

/** Horizontal bars with the label on the left and the value on the right (rankings). */
export const horizontalBarChart = (
  doc: PDFKit.PDFDocument,
  rows: Array<{ label: string; count: number }>,
  { title, color = CHART_COLORS[0] }: { title: string; color?: string }
) => {
  const rowHeight = 13;
  const height = Math.max(1, rows.length) * rowHeight;
  if (doc.y + height + 40 > doc.page.height - PAGE_MARGIN) doc.addPage();
  doc.fillColor(COLORS.text).font(FONT.bold).fontSize(10).text(typo(title), PAGE_MARGIN, doc.y);
  doc.moveDown(0.3);
  const top = doc.y;
  const labelWidth = 150;
  const barMax = doc.page.width - 2 * PAGE_MARGIN - labelWidth - 40;
  const max = Math.max(1, ...rows.map((r) => r.count));
  doc.font(FONT.regular).fontSize(8);
  if (!rows.length) doc.fillColor(COLORS.muted).text('Aucune donnée', PAGE_MARGIN, top, { lineBreak: false });
  rows.forEach((r, i) => {
    const y = top + i * rowHeight;
    doc
      .fillColor(COLORS.text)
      .text(r.label, PAGE_MARGIN, y + 2, { width: labelWidth - 6, height: rowHeight, ellipsis: true, lineBreak: false });
    const w = (barMax * r.count) / max;
    if (w > 0) doc.rect(PAGE_MARGIN + labelWidth, y + 2, w, rowHeight - 4).fill(color);
    doc.fillColor(COLORS.text).text(formatCount(r.count), PAGE_MARGIN + labelWidth + w + 4, y + 2, { lineBreak: false });
  });
  doc.x = PAGE_MARGIN;
  doc.y = top + height + 8;
};
