import { simplify } from './values';
import { TARGETS, type ImportKind } from './fields';

/**
 * The exports of the tools an association leaves, recognised from their headers, with the mapping
 * of each kind pre-filled (the user can still change it). A header not listed here is matched by
 * its French or English label (fields.ts aliases), ignoring case, accents, punctuation and spaces.
 */
export interface Source {
  id: 'galette' | 'paheko' | 'helloasso' | 'generic';
  label: string;
  /** simplified headers that only this tool writes; `minimum` of them make the file this tool's */
  signature: string[];
  minimum: number;
  /** header → target per kind (null: a column of the tool deliberately left out) */
  columns: Partial<Record<ImportKind, Record<string, string | null>>>;
  /** values given to every row when no column says otherwise */
  defaults?: Partial<Record<ImportKind, Record<string, string>>>;
  /** said in the preview: how this tool's file is read */
  notes?: Partial<Record<ImportKind, string[]>>;
}

const keyed = (columns: Record<string, string | null>) => Object.fromEntries(Object.entries(columns).map(([h, t]) => [simplify(h), t]));

export const SOURCES: Source[] = [
  {
    id: 'galette',
    label: 'Galette',
    signature: [
      'numeroadherent',
      'courriel',
      'gsm',
      'datedecheance',
      'datedecreation',
      'typedepaiement',
      'adherent',
      'datededebut',
      'datedefin',
    ],
    minimum: 3,
    columns: {
      members: keyed({
        Nom: 'lastName',
        Prénom: 'firstName',
        'Date de naissance': 'birthDate',
        Genre: 'gender',
        Adresse: 'address',
        'Adresse (suite)': 'address',
        'Code Postal': 'postalCode',
        Ville: 'city',
        Pays: 'country',
        Téléphone: 'phone',
        GSM: 'phone',
        Courriel: 'email',
        Profession: 'profession',
        'Date de création': 'joinedAt',
        'Date d\u2019échéance': null,
        "Date d'échéance": null,
        'Numéro adhérent': 'memberNumber',
        Statut: null,
      }),
      contributions: keyed({
        Adhérent: 'member.fullName',
        Type: 'membershipType',
        Montant: 'amount',
        'Type de paiement': 'paymentMethod',
        Date: 'paidAt',
        'Date de début': 'periodStart',
        'Date de fin': 'periodEnd',
        'Numéro adhérent': 'member.number',
      }),
    },
    notes: {
      members: [
        '« Date d\u2019échéance » n\u2019est pas reprise : la date de fin de cotisation se calcule depuis les cotisations (importez-les ensuite).',
      ],
    },
  },
  {
    id: 'paheko',
    label: 'Paheko',
    signature: [
      'nomprenom',
      'numerodemembre',
      'adresseemail',
      'adressepostale',
      'numerodetelephone',
      'lettredinfo',
      'activite',
      'datedexpiration',
    ],
    minimum: 2,
    columns: {
      members: keyed({
        'Nom & prénom': 'fullName',
        'Numéro de membre': 'memberNumber',
        'Adresse E-Mail': 'email',
        'Adresse postale': 'address',
        'Code postal': 'postalCode',
        Ville: 'city',
        'Numéro de téléphone': 'phone',
        Pays: 'country',
        "Lettre d'info": 'newsletterOptIn',
        'Date de naissance': 'birthDate',
        "Date d'inscription": 'joinedAt',
      }),
      contributions: keyed({
        'Numéro de membre': 'member.number',
        'Nom & prénom': 'member.fullName',
        Activité: 'notes',
        Tarif: 'membershipType',
        Montant: 'amount',
        "Date d'inscription": 'paidAt',
        "Date d'expiration": 'periodEnd',
      }),
    },
  },
  {
    id: 'helloasso',
    label: 'HelloAsso',
    signature: [
      'referencecommande',
      'datedelacommande',
      'statutdelacommande',
      'nomadherent',
      'prenomadherent',
      'nompayeur',
      'prenompayeur',
      'emailpayeur',
      'montanttarif',
    ],
    minimum: 3,
    columns: {
      members: keyed({
        'Référence commande': null,
        'Date de la commande': null,
        'Statut de la commande': 'orderStatus',
        'Nom adhérent': 'lastName',
        'Prénom adhérent': 'firstName',
        'Nom payeur': 'payer.lastName',
        'Prénom payeur': 'payer.firstName',
        'Email payeur': 'payer.email',
        'Raison sociale': null,
        'Moyen de paiement': null,
        Tarif: null,
        'Montant tarif': null,
      }),
      contributions: keyed({
        'Référence commande': 'reference',
        'Date de la commande': 'paidAt',
        'Statut de la commande': 'orderStatus',
        'Nom adhérent': 'member.lastName',
        'Prénom adhérent': 'member.firstName',
        'Nom payeur': null,
        'Prénom payeur': null,
        'Email payeur': null,
        'Raison sociale': null,
        'Moyen de paiement': null,
        Tarif: 'membershipType',
        'Montant tarif': 'amount',
      }),
      donors: keyed({
        'Nom payeur': 'lastName',
        'Prénom payeur': 'firstName',
        'Email payeur': 'email',
        'Raison sociale': 'companyName',
        'Statut de la commande': 'orderStatus',
        'Référence commande': null,
        'Date de la commande': null,
        'Nom adhérent': null,
        'Prénom adhérent': null,
        'Moyen de paiement': null,
        Tarif: null,
        'Montant tarif': null,
      }),
      donations: keyed({
        'Nom payeur': 'donor.lastName',
        'Prénom payeur': 'donor.firstName',
        'Email payeur': 'donor.email',
        'Raison sociale': 'donor.companyName',
        'Référence commande': 'reference',
        'Date de la commande': 'receivedAt',
        'Statut de la commande': 'orderStatus',
        'Montant tarif': 'amount',
        'Nom adhérent': null,
        'Prénom adhérent': null,
        'Moyen de paiement': null,
        Tarif: 'campaign',
      }),
    },
    defaults: { contributions: { paymentMethod: 'helloasso' }, donations: { method: 'helloasso' } },
    notes: {
      members: [
        'L\u2019adhérent est la personne inscrite (« Nom adhérent », « Prénom adhérent »), pas le payeur : l\u2019e-mail du payeur n\u2019est repris que si le payeur est l\u2019adhérent.',
      ],
      contributions: ['Moyen de paiement : HelloAsso (l\u2019argent arrive par HelloAsso). Seules les commandes validées sont importées.'],
    },
  },
];

export const GENERIC: Source = {
  id: 'generic',
  label: 'Tableur (Excel, LibreOffice, autre logiciel)',
  signature: [],
  minimum: 0,
  columns: {},
};

/** The tool that wrote these headers, or the generic reading. */
export const detectSource = (headers: string[]): Source => {
  const present = new Set(headers.map(simplify));
  let best: Source = GENERIC;
  let bestScore = 0;
  for (const source of SOURCES) {
    const score = source.signature.filter((s) => present.has(s)).length;
    if (score >= source.minimum && score > bestScore) [best, bestScore] = [source, score];
  }
  return best;
};

export const sourceById = (id: string | null | undefined) => SOURCES.find((s) => s.id === id) ?? GENERIC;

/** The generic reading: simplified alias → target key (the first target naming an alias keeps it). */
const aliasIndex = new Map<ImportKind, Map<string, string>>();
const aliasesOf = (kind: ImportKind) => {
  let index = aliasIndex.get(kind);
  if (!index) {
    index = new Map();
    for (const target of TARGETS[kind]) {
      for (const alias of target.aliases) {
        const key = simplify(alias);
        if (key && !index.has(key)) index.set(key, target.key);
      }
    }
    aliasIndex.set(kind, index);
  }
  return index;
};

/** The target a header means, for this kind (null: not recognised). */
export const targetForHeader = (kind: ImportKind, header: string, source: Source = GENERIC): string | null => {
  const key = simplify(header);
  const columns = source.columns[kind];
  if (columns && key in columns) return columns[key];
  return aliasesOf(kind).get(key) ?? null;
};

export interface MappingEntry {
  /** 0-based column index */
  column: number;
  header: string;
  /** target key (fields.ts), or null for a column left out */
  target: string | null;
}

/** The pre-filled mapping of a file: each column to the field it means, or to nothing. */
export const initialMapping = (kind: ImportKind, headers: string[], source: Source): MappingEntry[] =>
  headers.map((header, column) => ({ column, header, target: header ? targetForHeader(kind, header, source) : null }));
