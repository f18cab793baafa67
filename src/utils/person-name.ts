/**
 * A person's name typed in a public form (pre-registration, newsletter subscription). These names
 * are printed in e-mails sent from the association's address (« Bonjour <prénom>, »), so only what
 * looks like a name is taken: letters (accents included), apostrophes ' and ’, spaces, dots and
 * hyphens, 1 to 60 characters, and no web address (« www.exemple.fr »).
 */
export const PERSON_NAME_MAX = 60;

const NAME_CHARACTERS = /^[\p{L}\p{M}'’. -]+$/u;
const LOOKS_LIKE_A_DOMAIN = /\p{L}{2,}\.\p{L}{2,}/u;

/** Null for an acceptable (trimmed) name, otherwise the reason, in French, to put after the field's label. */
export const personNameProblem = (name: string): string | null => {
  if (name.length > PERSON_NAME_MAX) return `${PERSON_NAME_MAX} caractères au maximum.`;
  if (!NAME_CHARACTERS.test(name) || !/\p{L}/u.test(name)) {
    return 'seuls les lettres, les espaces, les apostrophes, les points et les traits d’union sont acceptés.';
  }
  if (LOOKS_LIKE_A_DOMAIN.test(name)) return 'un nom ne peut pas contenir d’adresse web.';
  return null;
};
