import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { detectEncoding, detectSeparator, readTable, ImportFileError } from '../../src/back-office/imports/read';
import {
  parseAmount,
  parseBirthDate,
  parseBoolean,
  parseChoice,
  parseCountry,
  parseDate,
  parseInteger,
  Problem,
  simplify,
  splitFullName,
} from '../../src/back-office/imports/values';
import { detectSource, initialMapping, SOURCES } from '../../src/back-office/imports/formats';
import { readRows, missingColumns } from '../../src/back-office/imports/rows';

/**
 * The pure parts of the import: reading a file as a table (encoding, separator, quotes, workbooks),
 * reading values the way French spreadsheets write them, recognising the tools by their headers.
 */
const MB = 1024 * 1024;
const read = (text: string | Buffer) => readTable(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), { maxBytes: 20 * MB });

describe('values', () => {
  it('reads yes/no the ways spreadsheets write it', () => {
    expect(['Oui', 'oui', 'X', 'x', '1', 'vrai', 'TRUE', 'yes'].map((v) => parseBoolean(v))).toEqual(Array(8).fill(true));
    expect(['Non', 'non', '0', 'faux', 'false', 'no'].map((v) => parseBoolean(v))).toEqual(Array(6).fill(false));
    expect(parseBoolean('')).toBeNull();
    expect(parseBoolean('', true)).toBe(false); // a column of crosses: empty is « non »
    expect(parseBoolean('peut-être')).toBeInstanceOf(Problem);
  });

  it('reads dates: dd/mm/yyyy with or without time, yyyy-mm-dd, and refuses impossible days', () => {
    expect(parseDate('05/03/1980')).toBe('1980-03-05');
    expect(parseDate('5/3/1980')).toBe('1980-03-05');
    expect(parseDate('05/03/2024 14:30')).toBe('2024-03-05');
    expect(parseDate('05-03-2024 09:05:10')).toBe('2024-03-05');
    expect(parseDate('2024-03-05')).toBe('2024-03-05');
    expect(parseDate('2024-03-05T10:00:00Z')).toBe('2024-03-05');
    expect(parseDate('')).toBeNull();
    expect((parseDate('31/02/1980') as Problem).message).toBe("« 31/02/1980 » n'est pas une date");
    expect(parseDate('bientôt')).toBeInstanceOf(Problem);
  });

  it('refuses a birth date in the future', () => {
    expect(parseBirthDate('01/01/1990', '2026-06-01')).toBe('1990-01-01');
    expect((parseBirthDate('01/01/2030', '2026-06-01') as Problem).message).toMatch(/futur/);
  });

  it('reads amounts in cents: « 1 234,50 », « 1234.50 », « 25,00 € », thousands separators', () => {
    expect(parseAmount('1 234,50')).toBe(123450);
    expect(parseAmount('1\u202f234,50')).toBe(123450);
    expect(parseAmount('1234.50')).toBe(123450);
    expect(parseAmount('25,00 €')).toBe(2500);
    expect(parseAmount('25 €')).toBe(2500);
    expect(parseAmount('1.234,5')).toBe(123450);
    expect(parseAmount('1,234.50')).toBe(123450);
    expect(parseAmount('0,1')).toBe(10);
    expect(parseAmount('-12,30')).toBe(-1230);
    expect(parseAmount('')).toBeNull();
    expect((parseAmount('vingt') as Problem).message).toMatch(/n'est pas un nombre/);
    expect(parseAmount('12,345')).toBeInstanceOf(Problem);
  });

  it('reads member numbers, enumerations and countries', () => {
    expect(parseInteger('42')).toBe(42);
    expect(parseInteger('n° 42')).toBe(42);
    expect(parseInteger('42.0')).toBe(42);
    expect(parseInteger('A12')).toBeInstanceOf(Problem);
    expect(parseChoice('gender', 'Femme')).toBe('female');
    expect(parseChoice('gender', 'Mme')).toBe('female');
    expect(parseChoice('gender', 'Homme')).toBe('male');
    expect(parseChoice('paymentMethod', 'Chèque')).toBe('cheque');
    expect(parseChoice('paymentMethod', 'CB')).toBe('card');
    expect(parseChoice('paymentMethod', 'Carte bancaire (en ligne)')).toBe('card');
    expect((parseChoice('paymentMethod', 'Bitcoin') as Problem).message).toMatch(/valeurs possibles/);
    expect(parseCountry('FRA')).toBe('France');
    expect(parseCountry('be')).toBe('Belgique');
    expect(parseCountry('Suisse')).toBe('Suisse');
  });

  it('splits Paheko\u2019s « Nom & prénom » by its rule', () => {
    expect(splitFullName('DUPONT Jean')).toEqual({ lastName: 'DUPONT', firstName: 'Jean' });
    expect(splitFullName('Jean DUPONT')).toEqual({ lastName: 'DUPONT', firstName: 'Jean' });
    expect(splitFullName('Dupont Jean')).toEqual({ lastName: 'Dupont', firstName: 'Jean' });
    expect(splitFullName('de La Fontaine Jean-Pierre')).toEqual({ lastName: 'de La Fontaine', firstName: 'Jean-Pierre' });
    expect(splitFullName('Cher')).toEqual({ lastName: 'Cher', firstName: null });
  });

  it('compares headers without case, accents, punctuation or spaces', () => {
    expect(simplify(' Date d’échéance ')).toBe('datedecheance');
    expect(simplify('Nom & prénom')).toBe('nomprenom');
    expect(simplify('E-MAIL')).toBe('email');
  });
});

describe('reading a file', () => {
  it('detects the encoding: UTF-8 with or without BOM, Windows-1252 from French Excel', async () => {
    const text = 'Nom;Prénom;Ville\nDurand;Hélène;Besançon\n';
    expect(detectEncoding(Buffer.from(text, 'utf8'))).toBe('utf-8');
    const ansi = iconv.encode(text, 'windows-1252');
    expect(detectEncoding(ansi)).toBe('windows-1252');
    const table = await read(ansi);
    expect(table.encoding).toBe('windows-1252');
    expect(table.headers).toEqual(['Nom', 'Prénom', 'Ville']);
    expect(table.rows[0]).toEqual(['Durand', 'Hélène', 'Besançon']);
    const bom = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expect(bom.headers[0]).toBe('Nom');
  });

  it('detects the separator: ; , tab |, with amounts whose comma is not a separator', () => {
    expect(detectSeparator('Nom;Montant\nA;"25,00"\nB;12,50\n')).toBe(';');
    expect(detectSeparator('Nom,Prénom,Ville\nA,B,C\n')).toBe(',');
    expect(detectSeparator('Nom\tPrénom\nA\tB\n')).toBe('\t');
    expect(detectSeparator('Nom|Prénom\nA|B\n')).toBe('|');
  });

  it('reads quotes, multi-line fields, ragged rows and trailing spaces in headers; numbers rows as a spreadsheet does', async () => {
    const table = await read(
      'Nom ;Adresse;Ville  \n"Martin";"12 rue des Lilas\nBâtiment B";Lyon\nDurand;"3 ""bis"" place";Paris;extra\nCourt\n\nLast;x;y\n'
    );
    expect(table.separator).toBe(';');
    expect(table.headers).toEqual(['Nom', 'Adresse', 'Ville']);
    expect(table.rows[0]).toEqual(['Martin', '12 rue des Lilas\nBâtiment B', 'Lyon']);
    expect(table.rows[1]).toEqual(['Durand', '3 "bis" place', 'Paris', 'extra']);
    expect(table.rows[2]).toEqual(['Court']);
    expect(table.rowNumbers).toEqual([2, 3, 4, 6]);
  });

  it('reads the first sheet of a workbook, or the one chosen; dates as days, formulas as text', async () => {
    const wb = new ExcelJS.Workbook();
    const first = wb.addWorksheet('Adhérents');
    first.addRow(['Nom', 'Prénom', 'Date de naissance', 'Cotisation', 'Calcul']);
    first.addRow(['Martin', 'Claire', new Date(Date.UTC(1980, 2, 5)), 25.5, { formula: 'D2*2', result: 51 }]);
    const second = wb.addWorksheet('Dons');
    second.addRow(['Donateur', 'Montant']);
    second.addRow(['Durand', 100]);
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    const table = await readTable(buffer, { maxBytes: 20 * MB });
    expect(table).toMatchObject({
      format: 'xlsx',
      sheet: 'Adhérents',
      sheets: ['Adhérents', 'Dons'],
      headers: ['Nom', 'Prénom', 'Date de naissance', 'Cotisation', 'Calcul'],
    });
    expect(table.rows[0]).toEqual(['Martin', 'Claire', '1980-03-05', '25.5', '=D2*2']);
    const chosen = await readTable(buffer, { maxBytes: 20 * MB, sheet: 'Dons' });
    expect(chosen.rows).toEqual([['Durand', '100']]);
    await expect(readTable(buffer, { maxBytes: 20 * MB, sheet: 'Autre' })).rejects.toThrow(/pas de feuille « Autre »/);
  });

  it('refuses, in French, an empty file, a binary, an old .xls and a file over the limit', async () => {
    await expect(read('')).rejects.toThrow('Le fichier est vide.');
    await expect(read('\n\n  \n')).rejects.toThrow(ImportFileError);
    await expect(read(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]))).rejects.toThrow(/binaire/);
    await expect(read(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).rejects.toThrow(/\.xls/);
    await expect(readTable(Buffer.alloc(2 * MB, 'a'), { maxBytes: MB })).rejects.toThrow(/limité à 1 Mo/);
  });
});

describe('known formats', () => {
  const galette = [
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
  ];
  const paheko = [
    'Numéro de membre',
    'Nom & prénom',
    'Adresse E-Mail',
    'Adresse postale',
    'Code postal',
    'Ville',
    'Numéro de téléphone',
    'Pays',
    "Lettre d'info",
    'Date de naissance',
    "Date d'inscription",
  ];
  const helloasso = [
    'Référence commande',
    'Date de la commande',
    'Statut de la commande',
    'Nom adhérent',
    'Prénom adhérent',
    'Nom payeur',
    'Prénom payeur',
    'Email payeur',
    'Raison sociale',
    'Moyen de paiement',
    'Tarif',
    'Montant tarif',
    'Téléphone',
    'Date de naissance',
    'Ville',
  ];

  it('recognises Galette, Paheko and HelloAsso from their headers, and pre-fills the mapping', () => {
    expect(detectSource(galette).id).toBe('galette');
    expect(detectSource(paheko).id).toBe('paheko');
    expect(detectSource(helloasso).id).toBe('helloasso');
    expect(detectSource(['Nom', 'Prénom', 'E-mail']).id).toBe('generic');
    const g = Object.fromEntries(initialMapping('members', galette, detectSource(galette)).map((m) => [m.header, m.target]));
    expect(g).toMatchObject({
      Nom: 'lastName',
      Courriel: 'email',
      GSM: 'phone',
      'Numéro adhérent': 'memberNumber',
      "Date d'échéance": null,
      'Date de création': 'joinedAt',
    });
    const p = Object.fromEntries(initialMapping('members', paheko, detectSource(paheko)).map((m) => [m.header, m.target]));
    expect(p).toMatchObject({ 'Nom & prénom': 'fullName', 'Adresse E-Mail': 'email', "Lettre d'info": 'newsletterOptIn' });
    const h = Object.fromEntries(initialMapping('contributions', helloasso, detectSource(helloasso)).map((m) => [m.header, m.target]));
    expect(h).toMatchObject({
      'Nom adhérent': 'member.lastName',
      'Montant tarif': 'amount',
      'Référence commande': 'reference',
      'Email payeur': null,
      'Date de naissance': 'member.birthDate',
    });
    expect(SOURCES.map((s) => s.id)).toEqual(['galette', 'paheko', 'helloasso']);
  });

  it('matches any other header by its French or English label, ignoring case, accents and punctuation', () => {
    const headers = ['NOM', 'prenom', 'E-Mail', 'Date de Naissance ', 'Birth date', 'Couleur préférée'];
    const mapping = initialMapping('members', headers, detectSource(headers));
    expect(mapping.map((m) => m.target)).toEqual(['lastName', 'firstName', 'email', 'birthDate', 'birthDate', null]);
    expect(missingColumns('members', mapping)).toEqual([]);
    expect(missingColumns('contributions', initialMapping('contributions', ['Nom', 'Prénom'], detectSource([])))).toEqual(['Montant']);
  });

  it('reads a HelloAsso row: the member is the « adhérent », the payer\u2019s e-mail only when they paid for themselves', async () => {
    const csv =
      '\ufeffRéférence commande;Date de la commande;Statut de la commande;Nom adhérent;Prénom adhérent;Nom payeur;Prénom payeur;Email payeur;Tarif;Montant tarif\n' +
      '1001;15/09/2025 10:12;Validé;Martin;Claire;Martin;Claire;claire@example.org;Adulte;25,00 €\n' +
      '1002;16/09/2025 11:00;Validé;Martin;Léo;Martin;Claire;claire@example.org;Enfant;10,00 €\n' +
      '1003;17/09/2025 11:00;Remboursé;Petit;Jean;Petit;Jean;jean@example.org;Adulte;25,00 €\n';
    const table = await read(csv);
    const source = detectSource(table.headers);
    const rows = readRows('members', table, initialMapping('members', table.headers, source), source, '2026-01-01');
    expect(rows[0].values).toMatchObject({ lastName: 'Martin', firstName: 'Claire', email: 'claire@example.org' });
    expect(rows[1].values).toMatchObject({ lastName: 'Martin', firstName: 'Léo' });
    expect(rows[1].values.email).toBeUndefined();
    expect(rows[2].errors).toEqual([
      { row: 4, column: 'Statut de la commande', message: 'commande « Remboursé » : seules les commandes validées sont importées' },
    ]);
  });

  it('reads values through the mapping with the column named in each error', async () => {
    const table = await read(
      'Nom;Prénom;Date de naissance;Bénévole;Droit à l\u2019image\nMartin;Claire;31/02/1980;X;Oui\nDurand;Paul;;;Non\n'
    );
    const mapping = initialMapping('members', table.headers, detectSource(table.headers));
    const rows = readRows('members', table, mapping, detectSource(table.headers), '2026-01-01');
    expect(rows[0].errors).toEqual([{ row: 2, column: 'Date de naissance', message: "« 31/02/1980 » n'est pas une date" }]);
    expect(rows[0].values).toMatchObject({ isVolunteer: true, imageRights: true });
    expect(rows[1].values).toMatchObject({ isVolunteer: false, imageRights: false });
  });
});
