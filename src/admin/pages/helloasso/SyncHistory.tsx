import { Box, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { formatDateTime } from '../../../contract/format';
import { TRIGGER_LABELS, type SyncRun } from './api';
import { summarizeSync } from './summary';
import { SyncErrors } from './SyncErrors';

const HEADERS = ['Date', 'Origine', 'Bilan', 'Erreurs'];

/** « Dernières synchronisations »: the ten latest, newest first. */
export const SyncHistory = ({ runs }: { runs: SyncRun[] }) => (
  <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
    <Typography variant="delta" tag="h2">
      Dernières synchronisations
    </Typography>
    {runs.length === 0 ? (
      <Box paddingTop={2}>
        <Typography textColor="neutral600">Aucune synchronisation pour l’instant.</Typography>
      </Box>
    ) : (
      <Box paddingTop={3}>
        <Table colCount={HEADERS.length} rowCount={runs.length + 1}>
          <Thead>
            <Tr>
              {HEADERS.map((h) => (
                <Th key={h}>
                  <Typography variant="sigma">{h}</Typography>
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {runs.map((run) => (
              <Tr key={run.id}>
                <Td>
                  <Typography>{formatDateTime(run.startedAt, 'medium')}</Typography>
                </Td>
                <Td>
                  <Typography>{TRIGGER_LABELS[run.trigger] ?? run.trigger}</Typography>
                </Td>
                <Td>
                  <Typography>{run.finishedAt ? summarizeSync(run) : 'En cours…'}</Typography>
                </Td>
                <Td>{run.errors.length ? <SyncErrors errors={run.errors} /> : <Typography textColor="neutral600">Aucune</Typography>}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      </Box>
    )}
  </Box>
);
