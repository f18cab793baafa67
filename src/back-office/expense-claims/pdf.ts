import type { Strapi, Values } from '../types';
import { associationIdentity, COLORS, createReport, endToBuffer, heading, PAGE_MARGIN, paragraph, table } from '../pdf/document';
import { FONT } from '../pdf/fonts';
import { formatCentsAsEuros, typo } from '../pdf/typography';
import { formatDate, formatDateTime } from '../../contract/format';
import { enumLabel } from '../../contract/labels';
import { personName } from '../../contract/display-names';
import { CLAIM, LINE } from './rules';
import { MILEAGE_SCALES, latestScaleYear } from './mileage-scale';

const cents = (amount: unknown) => Math.round(Number(amount ?? 0) * 100);

/** « 120 km × 0,636 €/km (barème 2024, voiture 5 CV) » */
export const mileageDetail = (line: Values) => {
  const rate = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 4 }).format(Number(line.rate));
  const vehicle = enumLabel(LINE, 'vehicle', line.vehicle).toLowerCase();
  const power = line.vehicle === 'moped' ? '' : ` ${line.fiscalPower} CV`;
  const electric = line.electric ? ', électrique (+ 20 %)' : '';
  return `${line.km} km × ${rate} €/km (barème ${line.scaleYear}, ${vehicle}${power}${electric})`;
};

/**
 * The printable claim: the association's header, the volunteer, each line (a mileage line with its
 * km × rate and the scale's year), the total, the steps so far, and the waiver (abandon de frais)
 * with its signature lines, so that a volunteer who gives up the reimbursement signs this very page.
 */
export const renderClaimPdf = async (strapi: Strapi, claim: Values): Promise<Buffer> => {
  const identity = await associationIdentity(strapi);
  const member: Values = claim.member ?? {};
  const name = personName(member) || '—';
  const doc = createReport(identity, {
    title: `Note de frais ${claim.number ?? '(brouillon, sans numéro)'}`,
    subtitle: `${name} — ${claim.purpose ?? ''}`,
  });
  const address = [member.address, [member.postalCode, member.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  paragraph(doc, `Bénévole : ${name}${address ? `, ${address}` : ''}`, { size: 10 });
  paragraph(doc, `Statut : ${enumLabel(CLAIM, 'status', claim.status ?? 'draft')}`, { size: 10 });
  const lines: Values[] = claim.lines ?? [];
  const rows = lines.map((l) => [
    typo(l.what ?? ''),
    formatDate(l.date),
    l.kind === 'mileage' ? typo(mileageDetail(l)) : l.voucher ? 'justificatif joint' : 'sans justificatif',
    typo(formatCentsAsEuros(cents(l.amount))),
  ]);
  const width = doc.page.width - 2 * PAGE_MARGIN;
  heading(doc, 'Frais engagés');
  table(doc, ['Objet', 'Date', 'Détail', 'Montant'], rows, [width * 0.3, width * 0.13, width * 0.4, width * 0.17]);
  doc
    .font(FONT.bold)
    .fontSize(11)
    .text(typo(`Total : ${formatCentsAsEuros(cents(claim.total))}`), PAGE_MARGIN, doc.y, { width, align: 'right' });
  doc.font(FONT.regular).fontSize(10);
  const unknownYears = [...new Set(lines.filter((l) => l.kind === 'mileage').map((l) => Number(String(l.date).slice(0, 4))))].filter(
    (y) => MILEAGE_SCALES[y] === undefined
  );
  if (lines.some((l) => l.kind === 'mileage')) {
    paragraph(
      doc,
      'Indemnités kilométriques : barème kilométrique officiel de l\u2019administration fiscale (BOI-BAREME-000001), taux de la première tranche.' +
        (unknownYears.length
          ? ` Barème ${unknownYears.join(', ')} pas encore connu : barème ${latestScaleYear()} appliqué (le dernier publié).`
          : ''),
      { size: 8, color: COLORS.muted }
    );
  }
  const steps = [
    claim.submittedAt && `soumise le ${formatDateTime(claim.submittedAt, 'medium')}`,
    claim.approvedAt && `approuvée le ${formatDateTime(claim.approvedAt, 'medium')}${claim.approvedBy ? ` par ${claim.approvedBy}` : ''}`,
    claim.refusedAt && `refusée le ${formatDateTime(claim.refusedAt, 'medium')}${claim.refusalReason ? ` (${claim.refusalReason})` : ''}`,
    claim.paidOn && `remboursée le ${formatDate(claim.paidOn)}`,
    claim.waivedAt && `abandonnée à l\u2019association (don) le ${formatDateTime(claim.waivedAt, 'medium')}`,
  ].filter(Boolean);
  if (steps.length) paragraph(doc, `Suivi : ${steps.join(' ; ')}.`, { size: 9 });

  heading(doc, 'Signatures');
  paragraph(doc, 'Le ou la bénévole certifie l\u2019exactitude des frais ci-dessus, engagés pour l\u2019association.', { size: 9 });
  doc.moveDown(0.5);
  paragraph(doc, 'Date et signature du ou de la bénévole : ______________________________', { size: 10 });
  doc.moveDown(0.5);
  paragraph(doc, 'Visa de la trésorerie : ______________________________', { size: 10 });

  heading(doc, 'Abandon de frais (don à l\u2019association)');
  paragraph(
    doc,
    `Je soussigné·e ${name}${address ? `, demeurant ${address}` : ''}, renonce au remboursement des frais ci-dessus, ` +
      `d\u2019un montant total de ${formatCentsAsEuros(cents(claim.total))}, et les laisse à l\u2019association ${identity.name} ` +
      'à titre de don. Je demande à recevoir un reçu fiscal pour ce don (article 200 du code général des impôts).',
    { size: 10 }
  );
  doc.moveDown(1);
  paragraph(doc, 'Fait à ______________________, le ____ / ____ / ________', { size: 10 });
  doc.moveDown(1);
  paragraph(doc, 'Signature (précédée de la mention « lu et approuvé ») : ______________________________', { size: 10 });
  return endToBuffer(doc, identity);
};
