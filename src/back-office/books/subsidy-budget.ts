import type { Values, WriteRule } from '../types';
import { fieldError } from '../../core/errors';
import { toCents } from './rules';
import { budgetSide } from './statements';

const SUBSIDY = 'api::subsidy.subsidy';

/** A subsidy's planned budget: each line an account of class 6 or 7 (86, 87 for contributions in kind), an amount to the cent. */
export const subsidyBudgetRules: WriteRule = {
  check(write) {
    if (write.action === 'delete' || !('budgetLines' in write.data) || !Array.isArray(write.data.budgetLines)) return;
    for (const line of write.data.budgetLines as Values[]) {
      const number = String(line.number ?? '').trim();
      if (!/^\d{2,8}$/.test(number) || !budgetSide(number)) {
        throw fieldError(
          SUBSIDY,
          'budgetLines',
          `« ${number} » n\u2019est pas un compte de charges ou de produits : un numéro qui commence par 6 (charges), 7 (produits), 86 ou 87 (contributions en nature), ex. 606, 64, 74.`
        );
      }
      const planned = Number(line.planned);
      if (line.planned === null || line.planned === undefined || Number.isNaN(planned) || planned < 0) {
        throw fieldError(SUBSIDY, 'budgetLines', `le montant prévu du compte ${number} doit être un montant positif ou nul.`);
      }
      if (Math.abs(planned * 100 - toCents(planned)) > 1e-6) {
        throw fieldError(SUBSIDY, 'budgetLines', `le montant prévu du compte ${number} a plus de deux décimales.`);
      }
    }
  },
};
