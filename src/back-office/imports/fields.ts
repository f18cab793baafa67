import { LABELS } from '../../contract/labels';

/** What can be imported: one file = one kind. */
export const KINDS = ['members', 'contributions', 'donors', 'donations'] as const;
export type ImportKind = (typeof KINDS)[number];

export const KIND_UID: Record<ImportKind, string> = {
  members: 'api::member.member',
  contributions: 'api::contribution.contribution',
  donors: 'api::donor.donor',
  donations: 'api::donation.donation',
};

export const KIND_LABELS: Record<ImportKind, string> = {
  members: 'Adhérents',
  contributions: 'Cotisations',
  donors: 'Donateurs',
  donations: 'Dons',
};

/** How a column's text is read (values.ts). */
export type ValueType =
  | 'text'
  | 'email'
  | 'date'
  | 'birthDate'
  | 'amount'
  | 'integer'
  | 'boolean'
  | 'gender'
  | 'paymentMethod'
  | 'donorKind'
  | 'nature'
  | 'country'
  | 'fullName'
  | 'orderStatus';

/**
 * A field a column can be mapped to: a field of the content type (`field`), or a value used to
 * find the record it belongs to (the member of a contribution: `member.number`...), or a value of
 * the tool that exported the file (HelloAsso's payer, the order status).
 */
export interface Target {
  key: string;
  label: string;
  type: ValueType;
  /** headers that mean this target, in any case, with or without accents and punctuation */
  aliases: string[];
  /** several columns mapped to it are joined (an address on two columns) rather than the first filled one taken */
  join?: boolean;
  /** the content type's own field it fills */
  field?: string;
}

const label = (uid: string, field: string) => LABELS[uid]?.[field] ?? field;

const M = 'api::member.member';
const C = 'api::contribution.contribution';
const D = 'api::donor.donor';
const G = 'api::donation.donation';

const own = (uid: string, field: string, type: ValueType, aliases: string[], extra: Partial<Target> = {}): Target => ({
  key: field,
  field,
  label: label(uid, field),
  type,
  aliases: [label(uid, field), field, ...aliases],
  ...extra,
});

const personFields = (uid: string): Target[] => [
  own(uid, 'lastName', 'text', [
    'nom de famille',
    'last name',
    'surname',
    'family name',
    'nom adherent',
    'nom de l adherent',
    'nom du membre',
  ]),
  own(uid, 'firstName', 'text', ['first name', 'given name', 'prenom adherent', 'prenom de l adherent', 'prenom du membre']),
  {
    key: 'fullName',
    label: 'Nom & prénom (coupé en nom et prénom)',
    type: 'fullName',
    aliases: ['nom & prenom', 'nom et prenom', 'nom prenom', 'nom complet', 'full name', 'identite', 'prenom nom'],
  },
  own(uid, 'email', 'email', [
    'courriel',
    'adresse e-mail',
    'adresse email',
    'adresse mail',
    'mail',
    'e mail',
    'email adherent',
    'email address',
  ]),
  own(uid, 'phone', 'text', [
    'tel',
    'telephone fixe',
    'numero de telephone',
    'portable',
    'mobile',
    'gsm',
    'telephone portable',
    'phone number',
  ]),
  own(
    uid,
    'address',
    'text',
    ['adresse postale', 'rue', 'adresse ligne 1', 'adresse ligne 2', 'adresse suite', 'complement d adresse', 'street'],
    { join: true }
  ),
  own(uid, 'postalCode', 'text', ['cp', 'code postal', 'zip', 'zip code', 'postcode']),
  own(uid, 'city', 'text', ['commune', 'localite', 'town']),
  own(uid, 'country', 'country', ['code pays']),
];

/** Where a contribution's member, or a donation's donor, is looked for. */
const ownerFields = (prefix: 'member' | 'donor', who: string): Target[] => [
  ...(prefix === 'member'
    ? [
        {
          key: 'member.number',
          label: `${who} : n° d\u2019adhérent`,
          type: 'integer' as ValueType,
          aliases: [
            'numero adherent',
            'numero de membre',
            'n adherent',
            'no adherent',
            'n d adherent',
            'numero d adherent',
            'member number',
            'num adherent',
          ],
        },
      ]
    : []),
  {
    key: `${prefix}.email`,
    label: `${who} : e-mail`,
    type: 'email',
    aliases: [
      'email',
      'e-mail',
      'courriel',
      'adresse e-mail',
      'adresse email',
      `email ${prefix === 'member' ? 'adherent' : 'donateur'}`,
      'mail',
    ],
  },
  {
    key: `${prefix}.fullName`,
    label: `${who} : nom et prénom`,
    type: 'text',
    aliases:
      prefix === 'member'
        ? ['adherent', 'membre', 'nom & prenom', 'nom et prenom', 'nom complet']
        : ['donateur', 'nom du donateur', 'nom & prenom', 'nom et prenom', 'nom complet'],
  },
  {
    key: `${prefix}.lastName`,
    label: `${who} : nom`,
    type: 'text',
    aliases: ['nom', `nom ${prefix === 'member' ? 'adherent' : 'donateur'}`, 'last name'],
  },
  {
    key: `${prefix}.firstName`,
    label: `${who} : prénom`,
    type: 'text',
    aliases: ['prenom', `prenom ${prefix === 'member' ? 'adherent' : 'donateur'}`, 'first name'],
  },
  ...(prefix === 'member'
    ? [
        {
          key: 'member.birthDate',
          label: `${who} : date de naissance`,
          type: 'date' as ValueType,
          aliases: ['date de naissance', 'naissance', 'birth date', 'birthdate'],
        },
      ]
    : [
        {
          key: 'donor.companyName',
          label: `${who} : raison sociale`,
          type: 'text' as ValueType,
          aliases: ['raison sociale', 'entreprise', 'societe', 'organisme', 'company'],
        },
      ]),
];

const helloAssoFields: Target[] = [
  { key: 'payer.lastName', label: 'Payeur : nom (HelloAsso)', type: 'text', aliases: ['nom payeur'] },
  { key: 'payer.firstName', label: 'Payeur : prénom (HelloAsso)', type: 'text', aliases: ['prenom payeur'] },
  {
    key: 'payer.email',
    label: 'Payeur : e-mail (HelloAsso, repris si le payeur est l\u2019adhérent)',
    type: 'email',
    aliases: ['email payeur'],
  },
  {
    key: 'orderStatus',
    label: 'Statut de la commande (HelloAsso)',
    type: 'orderStatus',
    aliases: ['statut de la commande', 'statut commande', 'statut du paiement'],
  },
];

export const TARGETS: Record<ImportKind, Target[]> = {
  members: [
    own(M, 'memberNumber', 'integer', [
      'numero adherent',
      'numero de membre',
      'n adherent',
      'no adherent',
      'numero d adherent',
      'num adherent',
      'member number',
      'numero',
    ]),
    ...personFields(M),
    own(M, 'birthDate', 'birthDate', ['naissance', 'ne le', 'nee le', 'birth date', 'date of birth']),
    own(M, 'gender', 'gender', ['sexe', 'civilite', 'titre', 'sex']),
    own(M, 'profession', 'text', ['metier', 'activite professionnelle', 'occupation', 'job']),
    own(M, 'origin', 'text', ['provenance', 'comment nous avez-vous connus', 'source']),
    own(M, 'joinedAt', 'date', [
      'date de creation',
      'date d inscription',
      'date d entree',
      'membre depuis',
      'date adhesion',
      'adherent depuis',
      'joined at',
    ]),
    own(M, 'isVolunteer', 'boolean', ['benevole ?', 'volunteer']),
    own(M, 'newsletterOptIn', 'boolean', ['lettre d info', 'newsletter', 'infolettre', 'lettre d information', 'accepte la lettre d info']),
    own(M, 'imageRights', 'boolean', ['droit image', 'droit a l image', 'autorisation photo', 'image rights']),
    own(M, 'notes', 'text', ['commentaire', 'commentaires', 'remarques', 'remarque', 'observations', 'info', 'informations']),
    ...helloAssoFields,
  ],
  contributions: [
    ...ownerFields('member', 'Adhérent'),
    {
      key: 'membershipType',
      field: 'membershipType',
      label: label(C, 'membershipType'),
      type: 'text',
      aliases: [label(C, 'membershipType'), 'type', 'type de cotisation', 'formule', 'tarif', 'membership type', 'type adhesion'],
    },
    own(C, 'amount', 'amount', ['montant', 'somme', 'montant tarif', 'montant de la cotisation', 'prix']),
    own(C, 'paidAt', 'date', [
      'date',
      'date de paiement',
      'date du paiement',
      'date de la commande',
      'date d inscription',
      'date de reglement',
      'paid at',
    ]),
    own(C, 'periodStart', 'date', ['date de debut', 'debut', 'debut de periode', 'valable du', 'period start']),
    own(C, 'periodEnd', 'date', [
      'date de fin',
      'fin',
      'fin de periode',
      'date d expiration',
      'valable jusqu au',
      'date d echeance',
      'echeance',
      'period end',
    ]),
    own(C, 'paymentMethod', 'paymentMethod', [
      'type de paiement',
      'moyen de paiement',
      'mode de paiement',
      'reglement',
      'mode de reglement',
      'payment method',
    ]),
    own(C, 'reference', 'text', ['reference commande', 'ref', 'numero de transaction', 'reference du paiement']),
    own(C, 'notes', 'text', ['commentaire', 'commentaires', 'remarques', 'info', 'activite']),
    ...helloAssoFields.filter((t) => t.key !== 'payer.email' && t.key !== 'payer.lastName' && t.key !== 'payer.firstName'),
  ],
  donors: [
    own(D, 'kind', 'donorKind', ['type de donateur', 'categorie', 'particulier ou entreprise', 'type']),
    ...personFields(D),
    own(D, 'companyName', 'text', ['raison sociale', 'entreprise', 'societe', 'organisme', 'company', 'structure']),
    own(D, 'notes', 'text', ['commentaire', 'commentaires', 'remarques', 'info']),
    ...helloAssoFields,
  ],
  donations: [
    ...ownerFields('donor', 'Donateur'),
    own(G, 'amount', 'amount', ['montant', 'montant du don', 'somme', 'montant tarif', 'don']),
    own(G, 'receivedAt', 'date', [
      'date',
      'date du don',
      'date de reception',
      'date de la commande',
      'date du paiement',
      'recu le',
      'received at',
    ]),
    own(G, 'method', 'paymentMethod', [
      'moyen de paiement',
      'mode de paiement',
      'type de paiement',
      'reglement',
      'mode de reglement',
      'payment method',
    ]),
    own(G, 'nature', 'nature', ['nature du don', 'type de don']),
    own(G, 'campaign', 'text', ['campagne', 'formulaire', 'collecte', 'nom de la campagne', 'campaign']),
    own(G, 'reference', 'text', ['reference commande', 'ref', 'numero de recu', 'numero de transaction']),
    own(G, 'notes', 'text', ['commentaire', 'commentaires', 'remarques', 'info']),
    ...helloAssoFields.filter((t) => t.key === 'orderStatus'),
  ],
};

export const targetOf = (kind: ImportKind, key: string | null | undefined) => (key ? TARGETS[kind].find((t) => t.key === key) : undefined);

/**
 * Fields a row cannot do without, as alternatives: a member needs a last and a first name (or the
 * one column holding both); a contribution its member, amount and day; and so on.
 */
export const REQUIRED: Record<ImportKind, Array<{ label: string; anyOf: string[][] }>> = {
  members: [{ label: 'Nom et Prénom', anyOf: [['lastName', 'firstName'], ['fullName']] }],
  contributions: [
    {
      label: 'Adhérent (n°, e-mail ou nom)',
      anyOf: [['member.number'], ['member.email'], ['member.fullName'], ['member.lastName', 'member.firstName']],
    },
    { label: 'Montant', anyOf: [['amount'], ['membershipType']] },
  ],
  donors: [{ label: 'Nom ou raison sociale', anyOf: [['lastName'], ['fullName'], ['companyName']] }],
  donations: [
    {
      label: 'Donateur (e-mail, nom ou raison sociale)',
      anyOf: [['donor.email'], ['donor.fullName'], ['donor.lastName'], ['donor.companyName']],
    },
    { label: 'Montant', anyOf: [['amount']] },
    { label: 'Date du don', anyOf: [['receivedAt']] },
  ],
};
