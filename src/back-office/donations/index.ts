import type { BackOfficeModule, WriteRule } from '../types';
import { fieldError } from '../../core/errors';
import { isEmpty } from '../rules/validation';
import { DONOR, donorDisplayName } from '../members/display-names';

const DONATION = 'api::donation.donation';

/** A company donor has its company name; a person, a last name. */
export const checkDonorName = (donor: { kind?: unknown; companyName?: unknown; lastName?: unknown }) => {
  if (donor.kind === 'company' && isEmpty(donor.companyName)) throw fieldError(DONOR, 'companyName', 'obligatoire pour une entreprise.');
  if (donor.kind !== 'company' && isEmpty(donor.lastName)) throw fieldError(DONOR, 'lastName', 'obligatoire pour un particulier.');
};

/** A donor: its name as a company or a person, and its display name (members/display-names.ts), never typed. */
export const donorRules: WriteRule = {
  prepare({ data, merged }) {
    delete data.displayName;
    data.displayName = donorDisplayName(merged);
  },
  check(write) {
    if (write.action !== 'delete') checkDonorName(write.merged);
  },
};

/** A donation is a donor's. */
export const donationRules: WriteRule = {
  requiredRelations: ['donor'],
};

/** Donors and donations: their write rules, on every write path. */
const donations: BackOfficeModule = {
  name: 'donations',
  writeRules: {
    [DONOR]: donorRules,
    [DONATION]: donationRules,
  },
};

export default donations;
