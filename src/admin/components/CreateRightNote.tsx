import { Typography } from '@strapi/design-system';
import { useGet } from '../_lib';

interface Creators {
  displayName: string;
  writtenByTheBackOffice: boolean;
  roles: string[];
}

const list = (names: string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} et ${names[names.length - 1]}`);

/**
 * Where a role may not create something, a French note that says so and who may, instead of a button
 * that silently is not there (GET /back-office/access/creators: the roles as the bureau set them).
 * `what` names the action (« Enregistrer une cotisation »); without it, the records of `uid`.
 */
export const CreateRightNote = ({ uid, what }: { uid: string; what?: string }) => {
  const { data: creators } = useGet<Creators, { data: Creators }>('/back-office/access/creators', {
    params: { uid },
    select: (body) => body.data,
  });
  if (!creators) return null;
  const subject = what ? `« ${what} »` : `Créer des fiches « ${creators.displayName} »`;
  const text = creators.writtenByTheBackOffice
    ? `Ces fiches « ${creators.displayName} » sont écrites par le back-office lui-même : personne ne les crée à la main.`
    : `${subject} : votre rôle ne le permet pas ; réservé à ${list(creators.roles)} (droits dans Paramètres > Rôles).`;
  return (
    <Typography variant="pi" textColor="neutral600" tag="p" data-testid="create-right-note">
      {text}
    </Typography>
  );
};
