import * as React from 'react';
import { useParams } from 'react-router-dom';
import { Box } from '@strapi/design-system';
import { useRBAC } from '@strapi/strapi/admin';
import { CreateRightNote } from './CreateRightNote';

/**
 * In a collection's list view, where the role may not create records: the French note saying who may,
 * instead of a « Créer une entrée » button that is simply not there (injected in the list view's actions).
 */
export const ListCreateNote = () => {
  const { collectionType, slug } = useParams<{ collectionType?: string; slug?: string }>();
  const uid = collectionType === 'collection-types' && slug?.startsWith('api::') ? slug : null;
  const permissions = React.useMemo(() => ({ create: [{ action: 'plugin::content-manager.explorer.create', subject: uid ?? 'none' }] }), [uid]);
  const { allowedActions, isLoading } = useRBAC(permissions);
  if (!uid || isLoading || allowedActions.canCreate) return null;
  return (
    <Box maxWidth="420px">
      <CreateRightNote uid={uid} />
    </Box>
  );
};
