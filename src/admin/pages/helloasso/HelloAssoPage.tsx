import { Layouts, Page } from '@strapi/strapi/admin';
import { Flex, Typography } from '@strapi/design-system';
import { HELLOASSO_PERMISSION, useForms, useReviews, useStatus } from './api';
import { ConnectionBlock } from './ConnectionBlock';
import { FormsTable } from './FormsTable';
import { ReviewList } from './ReviewList';
import { SyncBlock } from './SyncBlock';
import { SyncHistory } from './SyncHistory';

/**
 * « HelloAsso »: the connection, « Synchroniser maintenant » and the latest synchronisations, the
 * payments to check, and what each HelloAsso form becomes (for the treasurer).
 */
const HelloAssoPage = () => {
  const status = useStatus();
  const reviews = useReviews();
  const configured = !!status.data?.configured;
  const forms = useForms(configured);

  const afterSync = () => {
    status.reload();
    reviews.reload();
    if (configured) forms.reload();
  };

  return (
    <Page.Main>
      <Page.Title>HelloAsso</Page.Title>
      <Layouts.Header
        title="HelloAsso"
        subtitle="Les adhésions, dons et inscriptions payés sur HelloAsso arrivent ici tout seuls. Vérifiez ceux qui sont signalés et dites ce que devient chaque formulaire."
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4} data-testid="helloasso-page">
          {status.error && <Typography textColor="danger600">Impossible de lire l’état de HelloAsso : {status.error}</Typography>}
          {!status.data && status.loading && <Page.Loading />}
          {status.data && (
            <>
              <ConnectionBlock status={status.data} />
              <SyncBlock configured={configured} onSynced={afterSync} />
              <SyncHistory runs={status.data.lastSyncs} />
              <ReviewList reviews={reviews} onResolved={status.reload} />
              {configured && <FormsTable forms={forms} />}
            </>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

const ProtectedHelloAssoPage = () => (
  <Page.Protect permissions={HELLOASSO_PERMISSION}>
    <HelloAssoPage />
  </Page.Protect>
);

export default ProtectedHelloAssoPage;
