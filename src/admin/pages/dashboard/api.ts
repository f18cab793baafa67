import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Stats } from '../../../back-office/stats/types';

export type { Bucket, MoneyMonth, Stats } from '../../../back-office/stats/types';

export const STATS_PERMISSION = [{ action: 'api::back-office.stats.read', subject: null }];

/** Statistics of a year (undefined: the current year), reloaded when the year changes. */
export const useStats = (year?: number) => {
  const { get } = useFetchClient();
  const [state, setState] = React.useState<{ data?: Stats; error?: string; loading: boolean }>({ loading: true });
  React.useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    get<Stats>('/back-office/stats', { params: year ? { year } : {} })
      .then(({ data }) => live && setState({ data, loading: false }))
      .catch((e: any) => live && setState({ loading: false, error: e?.response?.data?.error?.message ?? 'Impossible de charger les statistiques.' }));
    return () => {
      live = false;
    };
  }, [get, year]);
  return state;
};

const frNumber = new Intl.NumberFormat('fr-FR');
const frEuros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
export const formatCount = (n: number) => frNumber.format(n);
export const formatEuros = (n: number) => frEuros.format(n);
export const formatRate = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1).replace('.', ',')} %`);
export const monthLabel = (month: string) =>
  new Date(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1).toLocaleDateString('fr-FR', { month: 'short' });
