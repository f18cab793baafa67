import * as React from 'react';
import { Alert, Box, Button, Flex, Typography } from '@strapi/design-system';
import { ArrowsCounterClockwise } from '@strapi/icons';
import { usePost } from '../../_lib';
import { BASE, type SyncResult } from './api';
import { summarizeSync } from './summary';
import { SyncErrors } from './SyncErrors';

/** « Synchroniser maintenant »: fetches the new HelloAsso payments at once, then tells what it did. */
export const SyncBlock = ({ configured, onSynced }: { configured: boolean; onSynced: () => void }) => {
  const sync = usePost<SyncResult>();
  const [result, setResult] = React.useState<SyncResult | null>(null);

  const run = async () => {
    setResult(null);
    const { data } = await sync.send(`${BASE}/sync`, {});
    if (data) setResult(data);
    // a refused synchronisation (already running) may still have changed the history
    onSynced();
  };

  return (
    <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Typography variant="delta" tag="h2">
          Synchronisation
        </Typography>
        <Typography textColor="neutral600">
          Le back-office relève régulièrement les paiements HelloAsso (adhésions, dons, inscriptions). Vous pouvez aussi le faire tout de
          suite.
        </Typography>
        <Box>
          <Button
            startIcon={<ArrowsCounterClockwise />}
            onClick={run}
            loading={sync.loading}
            disabled={sync.loading || !configured}
            data-testid="helloasso-sync"
          >
            Synchroniser maintenant
          </Button>
        </Box>
        {!configured && <Typography textColor="neutral600">Possible une fois HelloAsso configuré (voir « Connexion »).</Typography>}
        {sync.error && (
          <Alert variant="danger" title="Synchronisation impossible" onClose={sync.clearError} closeLabel="Fermer">
            {sync.error}
          </Alert>
        )}
        {result && (
          <>
            <Alert
              variant={result.errors.length ? 'warning' : 'success'}
              title="Synchronisation terminée"
              onClose={() => setResult(null)}
              closeLabel="Fermer"
              data-testid="helloasso-sync-result"
            >
              {summarizeSync(result)}
            </Alert>
            <SyncErrors errors={result.errors} />
          </>
        )}
      </Flex>
    </Box>
  );
};
