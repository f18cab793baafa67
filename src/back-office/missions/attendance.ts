import { notFound } from '../../core/errors';
import type { Strapi } from '../types';
import { associationIdentity, COLORS, createReport, endToBuffer, PAGE_MARGIN } from '../pdf/document';
import { FONT } from '../pdf/fonts';
import { fr, typo } from '../pdf/typography';
import { MISSION, PARTICIPATION, SEATED } from './capacity';
import { effectiveStart, placeOf } from './schedule';
import { frenchDateTime } from './notify';

/** Empty lines at the end, for the people who come without being registered. */
export const BLANK_LINES = 5;
const ROW_HEIGHT = 30;

const COLUMNS = [
  { header: 'N°', width: 30 },
  { header: 'Nom', width: 120 },
  { header: 'Prénom', width: 105 },
  { header: 'Téléphone', width: 100 },
  { header: 'Signature', width: 140 },
];

/** A file name without accents nor spaces: feuille-emargement-collecte-du-12-mars.pdf */
export const sheetFileName = (title: string) =>
  `feuille-emargement-${
    title
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'mission'
  }.pdf`;

/**
 * The attendance sheet (feuille d'émargement) of a mission, as a PDF to print: the mission, then one
 * line per person holding a place (by name), with the phone to reach them on the day (the one given
 * at registration, else the member's) and a column to sign; a few empty lines for walk-ins.
 */
export const attendanceSheet = async (strapi: Strapi, documentId: string) => {
  const mission = await strapi.db.query(MISSION).findOne({ where: { documentId }, populate: { location: true } });
  if (!mission) throw notFound('Mission introuvable.');
  const rows = await strapi.db.query(PARTICIPATION).findMany({
    where: { mission: { id: mission.id }, status: { $in: SEATED } },
    populate: { member: { select: ['firstName', 'lastName', 'phone'] } },
  });
  const people = rows
    .map((p) => ({
      lastName: (p.lastName || p.member?.lastName || '') as string,
      firstName: (p.firstName || p.member?.firstName || '') as string,
      phone: (p.phone || p.member?.phone || '') as string,
    }))
    .sort((a, b) => a.lastName.localeCompare(b.lastName, 'fr') || a.firstName.localeCompare(b.firstName, 'fr'));

  const identity = await associationIdentity(strapi);
  const place = placeOf(mission);
  const doc = createReport(identity, {
    title: 'Feuille d’émargement',
    subtitle: `${frenchDateTime(effectiveStart(mission))}${place ? ` — ${place}` : ''}`,
  });
  doc.font(FONT.bold).fontSize(13).fillColor(COLORS.text).text(mission.title, PAGE_MARGIN);
  doc
    .font(FONT.regular)
    .fontSize(9)
    .fillColor(COLORS.muted)
    .text(
      fr`${people.length} personne${people.length > 1 ? 's' : ''} inscrite${people.length > 1 ? 's' : ''}${mission.capacity ? fr` pour ${mission.capacity} places` : ''}. Signez à votre arrivée.`,
      PAGE_MARGIN
    );
  doc.moveDown(0.8);

  const total = COLUMNS.reduce((s, c) => s + c.width, 0);
  const line = (cells: string[], { bold = false, height = ROW_HEIGHT } = {}) => {
    if (doc.y + height > doc.page.height - PAGE_MARGIN) {
      doc.addPage();
      line(
        COLUMNS.map((c) => typo(c.header)),
        { bold: true, height: 20 }
      );
    }
    const y = doc.y;
    let x = PAGE_MARGIN;
    doc
      .font(bold ? FONT.bold : FONT.regular)
      .fontSize(10)
      .fillColor(COLORS.text);
    doc.rect(PAGE_MARGIN, y, total, height).strokeColor(COLORS.line).lineWidth(0.7).stroke();
    cells.forEach((cell, i) => {
      if (i > 0)
        doc
          .moveTo(x, y)
          .lineTo(x, y + height)
          .stroke();
      doc.text(cell, x + 4, y + (height - 10) / 2 - 1, {
        width: COLUMNS[i].width - 8,
        height: height - 4,
        ellipsis: true,
        lineBreak: false,
      });
      x += COLUMNS[i].width;
    });
    doc.x = PAGE_MARGIN;
    doc.y = y + height;
  };
  line(
    COLUMNS.map((c) => typo(c.header)),
    { bold: true, height: 20 }
  );
  people.forEach((p, i) => line([String(i + 1), p.lastName, p.firstName, p.phone, '']));
  for (let i = 0; i < BLANK_LINES; i++) line([String(people.length + i + 1), '', '', '', '']);

  return { buffer: await endToBuffer(doc, identity), fileName: sheetFileName(mission.title) };
};
