/**
 * Files for the import measurements of `npm run bench`: a Galette members export of N members and
 * its contributions export (3 per member), in Galette's own CSV format (« ; », quoted, UTF-8).
 */
const FIRST = ['Marie', 'Jean', 'Claire', 'Paul', 'Léa', 'Hugo', 'Inès', 'Louis', 'Chloé', 'Lucas', 'Zoé', 'Nathan'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent'];
const q = (v) => `"${String(v).replace(/"/g, '""')}"`;
const line = (cells) => cells.map(q).join(';');
const pad = (n) => String(n).padStart(2, '0');
/** A name of letters only, unique per member number (« Martinab »). */
const lastName = (i) =>
  `${LAST[i % LAST.length]}${Number(i)
    .toString(26)
    .replace(/\d/g, (d) => 'abcdefghij'[d])}`;
const firstName = (i) => FIRST[(i * 7) % FIRST.length];

const galetteMembers = (n) => {
  const rows = [
    line([
      'Nom',
      'Prénom',
      'Date de naissance',
      'Genre',
      'Adresse',
      'Code Postal',
      'Ville',
      'Pays',
      'Téléphone',
      'GSM',
      'Courriel',
      'Profession',
      'Date de création',
      "Date d'échéance",
      'Numéro adhérent',
      'Statut',
    ]),
  ];
  for (let i = 1; i <= n; i++) {
    rows.push(
      line([
        lastName(i).toUpperCase(),
        firstName(i),
        `${pad((i % 28) + 1)}/${pad((i % 12) + 1)}/${1940 + (i % 60)}`,
        i % 2 ? 'Femme' : 'Homme',
        `${i} rue de la République`,
        '69003',
        'Lyon',
        'France',
        '',
        `06 00 ${pad(i % 100)} ${pad(((i / 100) % 100) | 0)} 00`,
        `membre${i}@example.org`,
        '',
        `15/09/${2015 + (i % 10)}`,
        '',
        i,
        'Membre actif',
      ])
    );
  }
  return `${rows.join('\r\n')}\r\n`;
};

const galetteContributions = (n, perMember = 3) => {
  const rows = [line(['Adhérent', 'Numéro adhérent', 'Type', 'Montant', 'Type de paiement', 'Date', 'Date de début', 'Date de fin'])];
  for (let i = 1; i <= n; i++) {
    for (let k = 0; k < perMember; k++) {
      const year = 2022 + k;
      rows.push(
        line([
          `${lastName(i).toUpperCase()} ${firstName(i)}`,
          i,
          'Cotisation annuelle',
          '25,00',
          k % 2 ? 'Chèque' : 'Espèces',
          `15/09/${year}`,
          `15/09/${year}`,
          `14/09/${year + 1}`,
        ])
      );
    }
  }
  return `${rows.join('\r\n')}\r\n`;
};

module.exports = { galetteMembers, galetteContributions };
