import type { Stats } from '../../../back-office/stats/types';
import { ACTIONS } from '../../../contract/permissions';
import { permissionsFor, useGet } from '../../_lib';

export type { Bucket, MoneyMonth, Stats } from '../../../back-office/stats/types';

export const STATS_PERMISSION = permissionsFor(ACTIONS.statsRead);

/** Statistics of a year (undefined: the current year), reloaded when the year changes. */
export const useStats = (year?: number) => useGet<Stats>('/back-office/stats', { params: { year } });
