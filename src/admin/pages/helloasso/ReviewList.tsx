import * as React from 'react';
import { Alert, Box, Flex, Loader, Typography } from '@strapi/design-system';
import { usePost, type Loaded } from '../../_lib';
import { BASE, type Review, type SyncResult } from './api';
import { ReviewCard, fullName, type Resolution } from './ReviewCard';
import { summarizeSync } from './summary';
import { SyncErrors } from './SyncErrors';

/**
 * « À vérifier »: the payments the synchronisation could not attach to a member (or a donor) with certainty.
 * Each is attached to one of the candidates or creates a new record; the list then reloads.
 */
export const ReviewList = ({ reviews, onResolved }: { reviews: Loaded<Review[]>; onResolved: () => void }) => {
  const resolve = usePost<SyncResult>();
  const [busy, setBusy] = React.useState<Review['id'] | null>(null);
  const [done, setDone] = React.useState<{ text: string; errors: string[] } | null>(null);

  const onResolve = async (review: Review, how: Resolution, label: string) => {
    setDone(null);
    setBusy(review.id);
    const { data } = await resolve.send(`${BASE}/reviews/${encodeURIComponent(String(review.id))}/resolve`, how);
    setBusy(null);
    if (data)
      setDone({
        text: `Paiement « ${review.formTitle} » de ${fullName(review.person)} ${label} : ${summarizeSync(data)}`,
        errors: data.errors,
      });
    reviews.reload();
    onResolved();
  };

  const list = reviews.data;
  return (
    <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius data-testid="helloasso-reviews">
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Typography variant="delta" tag="h2">
          À vérifier{list && list.length > 0 ? ` (${list.length})` : ''}
        </Typography>
        {resolve.error && (
          <Alert variant="danger" title="Action impossible" onClose={resolve.clearError} closeLabel="Fermer">
            {resolve.error}
          </Alert>
        )}
        {done && (
          <>
            <Alert
              variant={done.errors.length ? 'warning' : 'success'}
              title="C’est fait"
              onClose={() => setDone(null)}
              closeLabel="Fermer"
            >
              {done.text}
            </Alert>
            <SyncErrors errors={done.errors} />
          </>
        )}
        {reviews.error && <Typography textColor="danger600">Impossible de lire les paiements à vérifier : {reviews.error}</Typography>}
        {!list && reviews.loading && <Loader small>Chargement des paiements à vérifier…</Loader>}
        {list && list.length === 0 && <Typography textColor="neutral600">Rien à vérifier.</Typography>}
        {list?.map((r) => (
          <ReviewCard key={r.id} review={r} busy={busy !== null} onResolve={onResolve} />
        ))}
      </Flex>
    </Box>
  );
};
