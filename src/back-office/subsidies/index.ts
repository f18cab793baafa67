import type { BackOfficeModule, WriteRule } from '../types';
import { fieldError } from '../../core/errors';
import { isBefore } from '../rules/validation';

const SUBSIDY = 'api::subsidy.subsidy';

/** A subsidy is not decided before it is applied for. */
export const checkSubsidyDates = (subsidy: { submittedAt?: unknown; decidedAt?: unknown }) => {
  if (subsidy.submittedAt && subsidy.decidedAt && isBefore(subsidy.decidedAt, subsidy.submittedAt)) {
    throw fieldError(SUBSIDY, 'decidedAt', 'la décision ne peut pas précéder le dépôt.');
  }
};

/** A subsidy: its funder (a partner), its dates in order. */
export const subsidyRules: WriteRule = {
  requiredRelations: ['funder'],
  check(write) {
    if (write.action !== 'delete') checkSubsidyDates(write.merged);
  },
};

/** Subsidies from the association's funders: their write rules, on every write path. */
const subsidies: BackOfficeModule = {
  name: 'subsidies',
  writeRules: {
    [SUBSIDY]: subsidyRules,
  },
};

export default subsidies;
