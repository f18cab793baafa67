import type { BackOfficeModule } from '../types';
import { MEMBER, PARTICIPATION } from './display-names';
import { memberRules, participationNameRule } from './rules';

/**
 * Members: the member number, the display names of members and of their participations, and the
 * participations of a deleted member kept but anonymous, on every write path.
 */
const members: BackOfficeModule = {
  name: 'members',
  writeRules: {
    [MEMBER]: memberRules,
    [PARTICIPATION]: participationNameRule,
  },
};

export default members;
