import { AsyncLocalStorage } from 'async_hooks';
import { DateTime } from 'luxon';
import type { Values, WriteContext, WriteRule } from '../types';
import { badRequest, conflict } from '../../core/errors';
import { enumLabel, labelOf } from '../../contract/labels';
import { isVoucherMime, mediaId } from '../books/rules';
import { fiscalPowerProblem, mileageAmount, type Vehicle } from './mileage-scale';

export const CLAIM = 'api::expense-claim.expense-claim';
export const LINE = 'books.expense-line';
const ENTRY_UID = 'api::ledger-entry.ledger-entry';

/**
 * The steps of a claim (submitted, approved, refused, reimbursed, waived), its number and its dates are
 * written only by the back-office's routes (workflow.ts), inside `asWorkflowStep`: any other write path
 * (content manager, scripts) has them removed from its data.
 */
const workflow = new AsyncLocalStorage<true>();
export const asWorkflowStep = <T>(step: () => Promise<T>) => workflow.run(true, step);
const inWorkflow = () => workflow.getStore() === true;

const WORKFLOW_FIELDS = [
  'number',
  'numberYear',
  'sequence',
  'status',
  'submittedAt',
  'approvedAt',
  'approvedBy',
  'refusedAt',
  'refusalReason',
  'paidOn',
  'waivedAt',
  'ledgerEntry',
  'donation',
];

/** Statuses after which a claim does not change any more, except through its next step. */
const FROZEN = ['approved', 'refused', 'reimbursed', 'waived'];

const VEHICLES: Vehicle[] = ['car', 'motorcycle', 'moped'];

const isDay = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v).isValid;

/** 400 on a field of line `index` (0-based): « Lignes, ligne 2 — Montant (€) : … », the path lines.1.amount. */
const lineError = (index: number, field: string, message: string) =>
  badRequest(`${labelOf(CLAIM, 'lines')}, ligne ${index + 1} — ${labelOf(LINE, field)} : ${message}`, ['lines', String(index), field]);

/** The file of a voucher: an image or a PDF (the type the upload found in its bytes). */
const checkVoucher = async (write: WriteContext, index: number, id: number) => {
  const file = await write.strapi.db.query('plugin::upload.file').findOne({ where: { id }, select: ['id', 'name', 'mime'] });
  if (!file) throw lineError(index, 'voucher', 'ce fichier n\u2019existe pas dans la médiathèque.');
  if (!isVoucherMime(file.mime)) {
    throw lineError(
      index,
      'voucher',
      `« ${file.name} » n\u2019est ni une image ni un PDF : joignez la facture ou le reçu en image ou en PDF.`
    );
  }
};

/**
 * One line as it will be stored: an expense (date, what, amount, voucher) or a mileage line (date, what,
 * km, vehicle, fiscal power, electric) whose amount, rate and scale year are computed from the official
 * scale, never typed. Returns it with its amount in integer cents.
 */
export const readLine = async (write: WriteContext, raw: Values, index: number): Promise<{ line: Values; cents: number }> => {
  const kind = raw.kind ?? 'expense';
  if (kind !== 'expense' && kind !== 'mileage')
    throw lineError(index, 'kind', `« ${kind} » n\u2019est pas un type de ligne (« Dépense » ou « Trajet »).`);
  if (!isDay(raw.date)) throw lineError(index, 'date', 'obligatoire : le jour de la dépense ou du trajet (AAAA-MM-JJ).');
  const what = typeof raw.what === 'string' ? raw.what.trim() : '';
  if (!what) {
    throw lineError(
      index,
      'what',
      kind === 'mileage' ? 'obligatoire : le trajet (ex. « Lyon – Villeurbanne, collecte »).' : 'obligatoire : ce qui a été payé.'
    );
  }
  const voucher = mediaId(raw.voucher);
  if (voucher !== null) await checkVoucher(write, index, voucher);
  const line: Values = { ...raw, kind, what, voucher };
  if (kind === 'expense') {
    const amount = Number(raw.amount);
    if (raw.amount === null || raw.amount === undefined || raw.amount === '' || !Number.isFinite(amount) || amount <= 0) {
      throw lineError(index, 'amount', 'doit être un montant supérieur à 0 (en euros).');
    }
    const cents = Math.round(amount * 100);
    if (Math.abs(amount * 100 - cents) > 1e-6) throw lineError(index, 'amount', 'deux décimales au plus.');
    Object.assign(line, { amount: cents / 100, km: null, vehicle: null, fiscalPower: null, electric: false, rate: null, scaleYear: null });
    return { line, cents };
  }
  const km = Number(raw.km);
  if (!Number.isInteger(km) || km <= 0) throw lineError(index, 'km', `« ${raw.km ?? ''} » : un nombre entier de kilomètres supérieur à 0.`);
  if (!VEHICLES.includes(raw.vehicle)) {
    const names = VEHICLES.map((v) => `« ${enumLabel(LINE, 'vehicle', v)} »`).join(', ');
    throw lineError(index, 'vehicle', `obligatoire pour un trajet : ${names}.`);
  }
  const power = fiscalPowerProblem(raw.vehicle, raw.fiscalPower);
  if (power) throw lineError(index, 'fiscalPower', power);
  const computed = mileageAmount({
    km,
    vehicle: raw.vehicle,
    fiscalPower: raw.vehicle === 'moped' ? null : Number(raw.fiscalPower),
    electric: raw.electric === true,
    year: Number(raw.date.slice(0, 4)),
  });
  Object.assign(line, {
    km,
    fiscalPower: raw.vehicle === 'moped' ? null : Number(raw.fiscalPower),
    electric: raw.electric === true,
    amount: computed.cents / 100,
    rate: computed.rate,
    scaleYear: computed.scaleYear,
  });
  return { line, cents: computed.cents };
};

/**
 * An expense claim: a member's (entered by the treasurer or the volunteer manager), lines checked and
 * priced by the server, the total computed in cents; steps only through the workflow; frozen once
 * approved; never deleted once numbered.
 */
export const claimRules: WriteRule = {
  requiredRelations: ['member'],
  async prepare(write) {
    const { data } = write;
    if (!inWorkflow()) {
      for (const field of WORKFLOW_FIELDS) delete data[field];
      if (write.creating) data.status = 'draft';
    }
    delete data.total;
    if (write.creating && !('lines' in data)) data.lines = [];
    if (!('lines' in data)) return;
    const given: Values[] = Array.isArray(data.lines) ? data.lines : [];
    let total = 0;
    const lines: Values[] = [];
    for (const [index, raw] of given.entries()) {
      const { line, cents } = await readLine(write, raw ?? {}, index);
      lines.push(line);
      total += cents;
    }
    data.lines = lines;
    data.total = total / 100;
  },
  check(write) {
    const { stored } = write;
    if (!stored) return;
    if (write.action === 'delete') {
      if (stored.number) {
        throw conflict(
          `La note de frais ${stored.number} est numérotée : elle ne se supprime pas. Refusez-la si elle ne doit pas être payée.`,
          'number'
        );
      }
      return;
    }
    if (!inWorkflow() && FROZEN.includes(stored.status)) {
      throw conflict(
        `La note de frais ${stored.number ?? ''} est « ${enumLabel(CLAIM, 'status', stored.status)} » : elle ne se modifie plus.`,
        'status'
      );
    }
  },
};

/**
 * The expense entry of a reimbursed claim: linked to its claim only by the reimbursement (never by
 * hand), and never deleted nor changed in amount, kind or claim, so that the books and the claim
 * always tell the same story. Its date, account or category may still be corrected (the books' rules
 * apply); any other correction is a new entry.
 */
export const claimEntryRules: WriteRule = {
  prepare(write) {
    if (!inWorkflow()) delete write.data.expenseClaim;
  },
  check(write) {
    const { stored, merged } = write;
    if (!stored?.expenseClaim || inWorkflow()) return;
    const of = `le remboursement d\u2019une note de frais`;
    if (write.action === 'delete') {
      throw conflict(`Cette écriture est ${of} : elle ne se supprime pas. Corrigez par une nouvelle écriture.`, 'expenseClaim');
    }
    for (const field of ['amount', 'direction', 'origin']) {
      const same =
        field === 'amount'
          ? Math.round(Number(merged.amount) * 100) === Math.round(Number(stored.amount) * 100)
          : merged[field] === stored[field];
      if (field in write.data && !same) {
        throw conflict(`Cette écriture est ${of} : son champ « ${labelOf(ENTRY_UID, field)} » ne change pas.`, field);
      }
    }
  },
};
