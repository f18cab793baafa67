import type { WriteContext, WriteRule } from '../../types';
import { conflict, fieldError } from '../../../core/errors';
import { ENTRY } from '../rules';
import { LINE, STATEMENT } from './statements';

/** The fields of an entry the bank confirmed: changing one would make the match false. */
const MATCHED_FIELDS = ['amount', 'direction', 'cashAccount', 'toCashAccount'];

const sameValue = (a: unknown, b: unknown) =>
  a === b || ((a === null || a === undefined) && (b === null || b === undefined)) || (a !== null && b !== null && Number(a) === Number(b));

const matchedLines = (write: WriteContext) =>
  write.documentId ? write.strapi.db.query(LINE).count({ where: { entry: { documentId: write.documentId }, status: 'matched' } }) : 0;

/**
 * An entry matched with a bank operation: its reconciliation date and operations are written by the
 * reconciliation only (never given by a form or the API); its amount, direction and accounts do not
 * change, and it is not deleted, until the match is undone on the page « Rapprochement bancaire ».
 */
export const reconciledEntryRules: WriteRule = {
  prepare(write) {
    delete write.data.reconciledAt;
    delete write.data.bankLines;
    // a copy of an entry is a new entry: the bank confirmed the original only
    if (write.cloning) Object.assign(write.data, { reconciledAt: null, bankLines: { set: [] } });
  },
  async check(write) {
    if (write.creating || !write.stored) return;
    const changed =
      write.action === 'delete' ? null : MATCHED_FIELDS.find((f) => f in write.data && !sameValue(write.merged[f], write.stored?.[f]));
    if (write.action !== 'delete' && !changed) return;
    if (!(await matchedLines(write))) return;
    const what = write.action === 'delete' ? 'supprimée' : 'modifiée sur ce point';
    throw fieldError(
      ENTRY,
      changed ?? 'reconciledAt',
      `cette écriture est rapprochée d\u2019une opération du relevé bancaire : elle ne peut pas être ${what}. ` +
        'Défaites d\u2019abord le rapprochement (page « Rapprochement bancaire »).'
    );
  },
};

/** The lines and statements are written by the page « Rapprochement bancaire » only (its routes and their checks). */
const pageOnly =
  (what: string): WriteRule['check'] =>
  async (write) => {
    if (write.creating) return;
    if (write.action === 'delete' && write.uid === STATEMENT && write.documentId) {
      const used = await write.strapi.db.query(LINE).count({ where: { statement: { documentId: write.documentId }, status: 'matched' } });
      if (!used) return;
    }
    if (write.action === 'delete' && write.uid === LINE && write.stored?.status !== 'matched') return;
    throw conflict(`${what} se change seulement depuis la page « Rapprochement bancaire » (et pas une fois rapprochée).`);
  };

export const reconciliationWriteRules = {
  [ENTRY]: reconciledEntryRules,
  [LINE]: { check: pageOnly('Une opération de relevé') } as WriteRule,
  [STATEMENT]: { check: pageOnly('Un relevé bancaire') } as WriteRule,
};
