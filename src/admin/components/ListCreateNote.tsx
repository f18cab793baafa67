import { useParams } from 'react-router-dom';
import { Box } from '@strapi/design-system';
import { useCanContent } from '../_lib';
import { CreateRightNote } from './CreateRightNote';

/**
 * In a collection's list view, where the role may not create records: the French note saying who may,
 * instead of a « Créer une entrée » button that is simply not there (injected in the list view's actions).
 */
export const ListCreateNote = () => {
  const { collectionType, slug } = useParams<{ collectionType?: string; slug?: string }>();
  const uid = collectionType === 'collection-types' && slug?.startsWith('api::') ? slug : null;
  const { allowed, loading } = useCanContent('create', uid);
  if (!uid || loading || allowed) return null;
  return (
    <Box maxWidth="420px">
      <CreateRightNote uid={uid} />
    </Box>
  );
};
