import { Link } from 'react-router-dom';
import { Widget } from '@strapi/strapi/admin';
import { Box, Flex, Typography } from '@strapi/design-system';
import { DUES_STATUS_LABELS } from '../../../contract/dues';
import { memberDisplayName } from '../../../contract/display-names';
import { formatDate } from '../../../contract/format';
import { useGet } from '../../_lib';
import { DuesRow, DuesSummary, memberUrl, unwrap } from './api';

/** Homepage widget « Cotisations à renouveler »: the counts, and the next members whose dues end. */
export const DuesWidget = () => {
  const summary = useGet('/back-office/dues/summary', { select: unwrap<DuesSummary> });
  const next = useGet('/back-office/dues', { params: { status: 'expiring', limit: 5 }, select: unwrap<DuesRow[]> });
  if (summary.loading || next.loading) return <Widget.Loading>Chargement des cotisations…</Widget.Loading>;
  if (summary.error || next.error || !summary.data) return <Widget.Error>{summary.error ?? next.error ?? undefined}</Widget.Error>;
  const { counts, within } = summary.data;
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Flex gap={3}>
        {(['expiring', 'grace'] as const).map((s) => (
          <Box key={s} background="neutral100" hasRadius padding={3} flex={1}>
            <Typography variant="pi" textColor="neutral600">
              {s === 'expiring' ? `Échéance dans les ${within} jours` : DUES_STATUS_LABELS.grace}
            </Typography>
            <Typography variant="beta" tag="p" data-testid={`widget-dues-${s}`}>
              {counts[s]}
            </Typography>
          </Box>
        ))}
      </Flex>
      {(next.data ?? []).length === 0 ? (
        <Typography textColor="neutral600">Aucune cotisation n’arrive à échéance dans les {within} jours.</Typography>
      ) : (
        <Flex direction="column" alignItems="stretch" gap={1}>
          {(next.data ?? []).slice(0, 5).map((r) => (
            <Flex key={r.documentId} justifyContent="space-between">
              <Link to={memberUrl(r.documentId)}>
                <Typography textColor="primary600">{memberDisplayName(r)}</Typography>
              </Link>
              <Typography textColor="neutral600">{formatDate(r.duesPaidUntil)}</Typography>
            </Flex>
          ))}
        </Flex>
      )}
    </Flex>
  );
};
