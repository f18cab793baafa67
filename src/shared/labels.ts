/**
 * French labels of every field and of every enumeration value, in one place: the admin's edit and
 * list views (settings module), the validation messages (rules module), the CSV headers and cells,
 * the PDFs and the admin pages use them. Part of the contract shared by the server and the admin
 * panel: pure data, no import.
 *
 * A new content type needs its row in LABELS (every field) and in ENUMS (every enumeration value):
 * tests/foundation/contract.test.ts fails and says what is missing.
 */
const common = {
  firstName: 'Prénom',
  lastName: 'Nom',
  email: 'E-mail',
  phone: 'Téléphone',
  address: 'Adresse',
  postalCode: 'Code postal',
  city: 'Ville',
  country: 'Pays',
  notes: 'Notes',
  description: 'Description',
  name: 'Nom',
  title: 'Titre',
  slug: 'Identifiant d\u2019URL',
  documents: 'Documents',
  createdAt: 'Créé le',
  updatedAt: 'Modifié le',
};

/** The fields of every record of a mailing (one per recipient: newsletters, mission messages, receipts). */
const delivery = {
  ...common,
  deliveryKey: 'Clé d\u2019envoi (technique)',
  status: 'État',
  attemptedAt: 'Dernier essai le',
  sentAt: 'Envoyé le',
  attempts: 'Nombre d\u2019essais',
  error: 'Erreur',
};

export const LABELS: Record<string, Record<string, string>> = {
  'api::member.member': {
    ...common,
    memberNumber: 'N° d\u2019adhérent',
    displayName: 'Nom affiché',
    birthDate: 'Date de naissance',
    gender: 'Genre',
    profession: 'Profession',
    origin: 'Origine',
    joinedAt: 'Date d\u2019adhésion',
    isVolunteer: 'Bénévole',
    availability: 'Disponibilités',
    skills: 'Compétences',
    poles: 'Pôles',
    newsletterOptIn: 'Accepte la newsletter',
    imageRights: 'Droit à l\u2019image',
    duesPaidUntil: 'Cotisation payée jusqu\u2019au',
    contributions: 'Cotisations',
    participations: 'Participations',
    donors: 'Fiches donateur',
  },
  'api::availability-slot.availability-slot': { ...common, code: 'Code', name: 'Créneau', position: 'Ordre', members: 'Adhérents' },
  'api::membership-type.membership-type': {
    ...common,
    amount: 'Montant (€)',
    durationMonths: 'Durée (mois, vide = fin de l\u2019exercice)',
    reminderDays: 'Relances (jours avant l\u2019échéance)',
    active: 'Active',
    contributions: 'Cotisations',
  },
  'api::contribution.contribution': {
    ...common,
    displayName: 'Nom affiché',
    member: 'Adhérent',
    membershipType: 'Type d\u2019adhésion',
    amount: 'Montant (€)',
    paidAt: 'Payée le',
    periodStart: 'Début de période',
    periodEnd: 'Fin de période',
    paymentMethod: 'Moyen de paiement',
    reference: 'Référence',
  },
  'api::mission.mission': {
    ...common,
    summary: 'Résumé',
    kind: 'Type',
    startAt: 'Début',
    endAt: 'Fin',
    location: 'Lieu',
    capacity: 'Capacité (vide = illimitée)',
    budgetPlanned: 'Budget prévu (€)',
    budgetActual: 'Budget réel (€)',
    equipment: 'Matériel',
    poster: 'Affiche',
    pole: 'Pôle',
    status: 'Statut',
    isPublic: 'Publique (site web)',
    publicRegistration: 'Inscription en ligne',
    registrationRequiresApproval: 'Inscription soumise à validation',
    internalNotes: 'Notes internes',
    participations: 'Participations',
  },
  'api::participation.participation': {
    ...common,
    mission: 'Mission',
    member: 'Adhérent',
    displayName: 'Nom affiché',
    status: 'Statut',
    role: 'Rôle',
    hours: 'Heures',
    source: 'Origine de l\u2019inscription',
  },
  'api::partner.partner': {
    ...common,
    kind: 'Type',
    contactName: 'Personne de contact',
    website: 'Site web',
    logo: 'Logo',
    since: 'Partenaire depuis',
    isPublic: 'Affiché sur le site',
    subsidies: 'Subventions',
  },
  'api::subsidy.subsidy': {
    ...common,
    funder: 'Financeur',
    fiscalYear: 'Exercice',
    amountRequested: 'Montant demandé (€)',
    amountGranted: 'Montant accordé (€)',
    amountReceived: 'Montant reçu (€)',
    status: 'Statut',
    submittedAt: 'Déposée le',
    decidedAt: 'Décision le',
    receivedAt: 'Versée le',
    reportDueAt: 'Bilan à rendre le',
  },
  'api::donor.donor': {
    ...common,
    kind: 'Type',
    companyName: 'Raison sociale',
    legalForm: 'Forme juridique (entreprise)',
    siren: 'N° SIREN (entreprise)',
    fiscalYearEndMonth: 'Mois de clôture de l\u2019exercice (entreprise, 1 à 12)',
    displayName: 'Nom affiché',
    member: 'Adhérent lié',
    donations: 'Dons',
  },
  'api::donation.donation': {
    ...common,
    donor: 'Donateur',
    amount: 'Montant (€)',
    receivedAt: 'Reçu le',
    method: 'Moyen de paiement',
    nature: 'Nature',
    campaign: 'Campagne',
    reference: 'Référence',
    giftForm: 'Forme du don',
    description: 'Description (don en nature : biens donnés ; abandon de frais : frais engagés)',
    refunded: 'Remboursé au donateur',
    receiptedElsewhere: 'Reçu fiscal déjà émis ailleurs (HelloAsso)',
    waiverDocument: 'Renonciation signée au remboursement (abandon de frais)',
    expenseDocuments: 'Justificatifs des frais (abandon de frais)',
  },
  'api::article.article': { ...common, excerpt: 'Chapô', body: 'Texte', cover: 'Image de couverture', gallery: 'Galerie', category: 'Rubrique' },
  'api::newsletter.newsletter': {
    ...common,
    subject: 'Objet',
    body: 'Contenu',
    audience: 'Destinataires',
    pole: 'Pôle',
    status: 'Statut',
    sentAt: 'Envoyée le',
    recipientsCount: 'Destinataires',
    sentCount: 'Envoyés',
    failedCount: 'Échecs',
  },
  'api::subscriber.subscriber': {
    ...common,
    status: 'Statut',
    confirmedAt: 'Confirmé le',
    unsubscribedAt: 'Désinscrit le',
    source: 'Origine',
    confirmationNonce: 'Lien de confirmation en cours',
  },
  'api::document.document': {
    ...common,
    file: 'Fichier',
    category: 'Catégorie',
    confidential: 'Confidentiel',
    documentDate: 'Date du document',
  },
  'api::pole.pole': { ...common, color: 'Couleur (#RRGGBB)', members: 'Adhérents', missions: 'Missions' },
  'api::skill.skill': { ...common, members: 'Adhérents' },
  'api::association.association': {
    ...common,
    name: 'Nom de l\u2019association',
    legalForm: 'Forme juridique',
    rna: 'N° RNA',
    siren: 'N° SIREN',
    website: 'Site web',
    object: 'Objet',
    logo: 'Logo',
    presidentName: 'Président·e',
    fiscalYearStartMonth: 'Mois de début d\u2019exercice (1 à 12)',
    duesGraceDays: 'Délai de grâce des cotisations (jours)',
    reminderSubject: 'Objet de l\u2019e-mail de relance de cotisation',
    reminderTemplate: 'Texte de l\u2019e-mail de relance ({{firstName}}, {{lastName}}, {{duesPaidUntil}}, {{amount}}, {{association}})',
    receiptsEnabled: 'Peut émettre des reçus fiscaux',
    receiptCategory: 'Reçus fiscaux : catégorie de l\u2019organisme',
    receiptCategoryDetail: 'Reçus fiscaux : précision de la catégorie (« Autre organisme »)',
    receiptArticle200: 'Reçus fiscaux : article 200 du CGI (impôt sur le revenu des particuliers)',
    receiptArticle978: 'Reçus fiscaux : article 978 du CGI (impôt sur la fortune immobilière)',
    receiptArticle238bis: 'Reçus fiscaux : article 238 bis du CGI (entreprises)',
    receiptSignatoryName: 'Reçus fiscaux : nom du signataire',
    receiptSignatoryCapacity: 'Reçus fiscaux : qualité du signataire',
    receiptSignature: 'Reçus fiscaux : image de la signature',
  },
  'api::newsletter-delivery.newsletter-delivery': {
    ...delivery,
    newsletter: 'Lettre d\u2019information',
    sentAt: 'Envoyée le',
  },
  'api::mission-message.mission-message': {
    ...common,
    mission: 'Mission',
    subject: 'Objet',
    body: 'Texte',
    includeWaitlisted: 'Aussi à la liste d\u2019attente',
    messageKey: 'Clé du message (technique)',
    status: 'État',
    recipientsCount: 'Destinataires',
    sentCount: 'Envoyés',
    failedCount: 'Échecs',
    sentAt: 'Envoyé le',
    sentBy: 'Écrit par',
  },
  'api::mission-message-delivery.mission-message-delivery': {
    ...delivery,
    missionMessage: 'Message aux bénévoles',
  },
  'api::receipt.receipt': {
    ...common,
    number: 'Numéro',
    numberYear: 'Année de numérotation',
    sequence: 'Rang dans l\u2019année',
    mode: 'Type de reçu',
    donorKind: 'Donateur : particulier ou entreprise',
    donor: 'Donateur',
    donations: 'Dons couverts',
    donorName: 'Nom du donateur (à l\u2019émission)',
    donorEmail: 'E-mail du donateur (à l\u2019émission)',
    periodStart: 'Dons du',
    periodEnd: 'Dons jusqu\u2019au',
    total: 'Montant certifié (€)',
    issuedOn: 'Émis le',
    issuedBy: 'Émis par',
    snapshot: 'Contenu figé du reçu',
    cancelled: 'Annulé',
    cancelledAt: 'Annulé le',
    cancelledBy: 'Annulé par',
    cancelReason: 'Motif d\u2019annulation',
    replaces: 'Remplace le reçu',
    pdf: 'PDF du reçu (tel qu\u2019émis)',
    cancelledPdf: 'PDF du reçu annulé',
    sentAt: 'Envoyé le',
  },
  'api::receipt-delivery.receipt-delivery': {
    ...delivery,
    receipt: 'Reçu fiscal',
    year: 'Année des reçus',
  },
  'api::dues-reminder.dues-reminder': {
    ...common,
    member: 'Adhérent',
    duesPaidUntil: 'Échéance (payée jusqu\u2019au)',
    offsetDays: 'Délai (jours avant l\u2019échéance)',
    remindedOn: 'Relance du',
    status: 'État',
    sentAt: 'Envoyée le',
    error: 'Erreur',
  },
  'api::import-batch.import-batch': {
    ...common,
    kind: 'Type de fiches',
    state: 'État',
    fileName: 'Fichier',
    source: 'Format reconnu',
    encoding: 'Encodage',
    separator: 'Séparateur',
    sheet: 'Feuille',
    mapping: 'Correspondance des colonnes',
    table: 'Lignes du fichier',
    preview: 'Aperçu',
    skipErrors: 'Lignes en erreur ignorées',
    counts: 'Bilan',
    skipped: 'Lignes ignorées',
    changes: 'Fiches créées ou modifiées',
    uploadedBy: 'Déposé par',
    committedBy: 'Importé par',
    committedAt: 'Importé le',
    undoneBy: 'Annulé par',
    undoneAt: 'Annulé le',
  },
  // --- books (cash-basis accounts) ---
  'api::cash-account.cash-account': {
    ...common,
    kind: 'Type de compte',
    iban: 'IBAN',
    openingBalances: 'Soldes d\u2019ouverture',
    entries: 'Écritures',
  },
  'api::ledger-category.ledger-category': { ...common, displayName: 'Catégorie', number: 'N° de compte', kind: 'Sens', active: 'Active', entries: 'Écritures' },
  'api::ledger-entry.ledger-entry': {
    ...common,
    date: 'Date',
    label: 'Libellé',
    amount: 'Montant (€)',
    direction: 'Type d\u2019écriture',
    category: 'Catégorie',
    cashAccount: 'Compte',
    toCashAccount: 'Vers le compte (virement)',
    paymentMethod: 'Moyen de paiement',
    reference: 'Référence (n° de chèque, de facture)',
    voucher: 'Justificatif',
    mission: 'Mission',
    subsidy: 'Subvention',
    partner: 'Partenaire',
  },
  'api::fiscal-year.fiscal-year': {
    ...common,
    year: 'Exercice',
    closedAt: 'Clos le',
    closedBy: 'Clos par',
    entryCount: 'Écritures à la clôture',
    income: 'Recettes à la clôture (€)',
    expense: 'Dépenses à la clôture (€)',
  },
};

/** Labels of the fields of the components (edit views of the content types that use them). */
export const COMPONENT_LABELS: Record<string, Record<string, string>> = {
  'shared.location': { name: 'Nom du lieu', address: 'Adresse', postalCode: 'Code postal', city: 'Ville', latitude: 'Latitude', longitude: 'Longitude' },
  'logistics.equipment-line': { item: 'Matériel', quantity: 'Quantité', status: 'État' },
  'books.opening-balance': { fiscalYear: 'Exercice', amount: 'Solde au premier jour de l\u2019exercice (€)' },
};

/** French label of a field, falling back to its name. */
export const labelOf = (uid: string, field: string) => LABELS[uid]?.[field] ?? COMPONENT_LABELS[uid]?.[field] ?? field;

/** Payment methods: a contribution's and a donation's. */
const PAYMENT_METHODS = {
  cash: 'Espèces',
  cheque: 'Chèque',
  transfer: 'Virement',
  card: 'Carte bancaire',
  helloasso: 'HelloAsso',
  other: 'Autre',
} as const;

/**
 * The French name of every value of every enumeration, per content type (or component) and field,
 * in the schema's order. A value is named after its field: a donation's nature « cash » is money given
 * (« Numéraire », as opposed to in kind), its payment method « cash » is « Espèces ».
 */
export const ENUMS = {
  'api::article.article': {
    category: { news: 'Actualité', event: 'Événement', association_life: 'Vie de l\u2019association', partners: 'Partenaires', press: 'Presse' },
  },
  'api::contribution.contribution': { paymentMethod: PAYMENT_METHODS },
  'api::document.document': {
    category: { minutes: 'Compte rendu', statutes: 'Statuts', financial: 'Document financier', report: 'Rapport', contract: 'Contrat', other: 'Autre' },
  },
  'api::donation.donation': {
    method: PAYMENT_METHODS,
    nature: { cash: 'Numéraire', in_kind: 'En nature', waived_expenses: 'Abandon de frais' },
    giftForm: {
      manual_gift: 'Déclaration de don manuel',
      authentic_deed: 'Acte authentique',
      private_deed: 'Acte sous seing privé',
      other: 'Autre',
    },
  },
  'api::association.association': {
    receiptCategory: {
      general_interest: 'Œuvre ou organisme d\u2019intérêt général',
      public_utility: 'Association ou fondation reconnue d\u2019utilité publique',
      aid_in_need: 'Organisme d\u2019aide gratuite aux personnes en difficulté (repas, soins, logement)',
      worship: 'Association cultuelle ou de bienfaisance (Alsace-Moselle)',
      museum: 'Musée de France',
      education: 'Établissement d\u2019enseignement supérieur ou artistique d\u2019intérêt général',
      other: 'Autre organisme',
    },
  },
  'api::mission-message.mission-message': { status: { sending: 'En cours d\u2019envoi', sent: 'Envoyé', failed: 'Envoi incomplet' } },
  'api::mission-message-delivery.mission-message-delivery': { status: { pending: 'En attente', sent: 'Envoyé', failed: 'En échec' } },
  'api::receipt.receipt': {
    donorKind: { individual: 'Particulier', company: 'Entreprise' },
    mode: { single: 'Reçu d\u2019un don', annual: 'Reçu récapitulatif annuel' },
  },
  'api::receipt-delivery.receipt-delivery': { status: { pending: 'À envoyer', sent: 'Envoyé', failed: 'Échec' } },
  'api::donor.donor': { kind: { individual: 'Particulier', company: 'Entreprise' } },
  'api::dues-reminder.dues-reminder': { status: { sending: 'En cours d\u2019envoi', sent: 'Envoyée', failed: 'Échec' } },
  'api::member.member': { gender: { female: 'Femme', male: 'Homme', non_binary: 'Non binaire', undisclosed: 'Non précisé' } },
  'api::mission.mission': {
    kind: { mission: 'Mission', event: 'Événement' },
    status: { planned: 'Prévue', confirmed: 'Confirmée', done: 'Réalisée', cancelled: 'Annulée' },
  },
  'api::newsletter-delivery.newsletter-delivery': { status: { pending: 'En attente', sent: 'Envoyé', failed: 'En échec' } },
  'api::newsletter.newsletter': {
    audience: {
      opted_in_members: 'Adhérents ayant accepté la newsletter',
      members_up_to_date: 'Adhérents à jour de cotisation',
      volunteers: 'Bénévoles',
      pole: 'Un pôle',
      subscribers: 'Abonnés du site',
    },
    status: { draft: 'Brouillon', sending: 'En cours d\u2019envoi', sent: 'Envoyée', failed: 'Envoi incomplet' },
  },
  'api::participation.participation': {
    status: {
      pending: 'En attente de validation',
      confirmed: 'Confirmé·e',
      waitlisted: 'Liste d\u2019attente',
      attended: 'Présent·e',
      absent: 'Absent·e',
      cancelled: 'Annulé·e',
    },
    source: { backoffice: 'Back-office', website: 'Site web' },
  },
  'api::partner.partner': {
    kind: { public_body: 'Organisme public', company: 'Entreprise', association: 'Association', foundation: 'Fondation', other: 'Autre' },
  },
  'api::subscriber.subscriber': { status: { pending: 'En attente de confirmation', confirmed: 'Confirmé', unsubscribed: 'Désinscrit' } },
  'api::subsidy.subsidy': {
    status: { draft: 'Brouillon', submitted: 'Déposée', granted: 'Accordée', refused: 'Refusée', paid: 'Versée', reported: 'Bilan rendu' },
  },
  'api::import-batch.import-batch': {
    kind: { members: 'Adhérents', contributions: 'Cotisations', donors: 'Donateurs', donations: 'Dons' },
    state: { preview: 'Aperçu (rien d\u2019écrit)', committed: 'Importé', undone: 'Annulé' },
  },
  'logistics.equipment-line': { status: { needed: 'À trouver', reserved: 'Réservé', available: 'Disponible', returned: 'Rendu' } },
  // --- books (cash-basis accounts) ---
  'api::cash-account.cash-account': { kind: { bank: 'Compte bancaire', cash: 'Caisse', helloasso: 'Solde HelloAsso', other: 'Autre' } },
  'api::ledger-category.ledger-category': { kind: { income: 'Recette', expense: 'Dépense' } },
  'api::ledger-entry.ledger-entry': {
    direction: { income: 'Recette', expense: 'Dépense', transfer: 'Virement entre comptes' },
    paymentMethod: PAYMENT_METHODS,
  },
} as const satisfies Record<string, Record<string, Record<string, string>>>;

type Enums = typeof ENUMS;
/** The values of an enumeration, as a type: EnumValue<'api::mission.mission', 'status'> is 'planned' | 'confirmed' | … */
export type EnumValue<U extends keyof Enums, F extends keyof Enums[U]> = keyof Enums[U][F] & string;

const enumsOf = (uid: string | undefined, field: string | undefined): Record<string, string> | undefined =>
  uid && field ? (ENUMS as Record<string, Record<string, Record<string, string>>>)[uid]?.[field] : undefined;

/** French name of the value of an enumeration field (uid, field); the value itself when it has none. */
export const enumLabel = (uid: string | undefined, field: string | undefined, value: string) => enumsOf(uid, field)?.[value] ?? value;

/** Whether the value of this enumeration field has a French name. */
export const hasEnumLabel = (uid: string, field: string, value: string) => enumsOf(uid, field)?.[value] !== undefined;

/** The values of an enumeration field with their French names, in the schema's order (selects, legends). */
export const enumOptions = (uid: string, field: string) => Object.entries(enumsOf(uid, field) ?? {}).map(([value, label]) => ({ value, label }));
