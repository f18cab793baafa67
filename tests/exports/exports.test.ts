import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { adminWithRights, download, parseCsv } from './helpers';
import { duesStatus, DUES_STATUS_LABELS } from '../../src/back-office/dues/status';

/**
 * Issue 5, CSV exports: every dataset parsed back and compared with the database, French and ISO
 * formats, CSV injection, filters with French 400s, and rights (exports.read, content-type read,
 * field-level read). SQLite and PostgreSQL.
 */
describe(`CSV exports (${DB_CLIENT})`, () => {
  let app: TestApp;
  const MEMBER = 'api::member.member';
  const docs = (uid: string) => app.strapi.documents(uid);
  const ids: Record<string, any> = {};
  const today = DateTime.now().setZone('Europe/Paris').toISODate();
  const INJECTIONS = ['=cmd|\' /C calc\'!A0', '+33 6 00', '-2+3', '@SUM(A1)'];

  beforeAll(async () => {
    app = await startStrapi();
    await docs('api::association.association').create({ data: { name: 'Les Amis du Quartier', rna: 'W751234567', fiscalYearStartMonth: 9, duesGraceDays: 30 } });
    ids.animation = await docs('api::pole.pole').create({ data: { name: 'Animation' } });
    ids.logistique = await docs('api::pole.pole').create({ data: { name: 'Logistique' } });
    ids.annual = await docs('api::membership-type.membership-type').create({ data: { name: 'Annuelle', amount: 20 } });
    ids.monthly = await docs('api::membership-type.membership-type').create({ data: { name: 'Mensuelle', amount: 5, durationMonths: 1 } });
    ids.alice = await docs(MEMBER).create({
      data: {
        firstName: 'Alice', lastName: 'Martin', email: 'alice@example.org', phone: '06 12 34 56 78', city: 'Lyon', birthDate: '1990-05-17',
        gender: 'female', isVolunteer: true, joinedAt: '2024-03-01', notes: 'Ligne 1\nLigne 2 ; "citée"',
        poles: [ids.logistique.documentId, ids.animation.documentId],
      },
    });
    ids.bruno = await docs(MEMBER).create({ data: { firstName: 'Bruno', lastName: 'Petit', city: 'lyon' } });
    ids.chloe = await docs(MEMBER).create({ data: { firstName: 'Chloé', lastName: 'Durand', city: 'Paris', poles: [ids.logistique.documentId] } });
    for (const lastName of [...INJECTIONS, 'Tab', 'Retour']) ids[lastName] = await docs(MEMBER).create({ data: { firstName: 'X', lastName } });
    // tab and carriage return are trimmed by the write rules: put them in the database directly (an import, a restore...)
    const table = app.strapi.db.metadata.get(MEMBER).tableName;
    await app.strapi.db.connection(table).where({ document_id: ids.Tab.documentId }).update({ last_name: '\t=1+1' });
    await app.strapi.db.connection(table).where({ document_id: ids.Retour.documentId }).update({ last_name: '\r=1+1' });

    const contribution = (member: any, type: any, amount: number, paidAt: string, paymentMethod: string, reference?: string) =>
      docs('api::contribution.contribution').create({ data: { member: member.documentId, membershipType: type.documentId, amount, paidAt, paymentMethod, reference } });
    await contribution(ids.alice, ids.annual, 0.1, '2025-09-15', 'cheque', 'CHQ-1');
    await contribution(ids.alice, ids.annual, 0.2, '2026-09-10', 'helloasso');
    await contribution(ids.bruno, ids.monthly, 5, '2025-10-01', 'cash');

    const donor = await docs('api::donor.donor').create({ data: { kind: 'individual', lastName: 'Généreux', firstName: 'Gaston', city: 'Lyon', member: ids.alice.documentId } });
    const company = await docs('api::donor.donor').create({ data: { kind: 'company', companyName: 'Boulangerie Dupain' } });
    await docs('api::donation.donation').create({ data: { donor: donor.documentId, amount: 0.1, receivedAt: '2026-01-05', method: 'transfer', nature: 'cash' } });
    await docs('api::donation.donation').create({ data: { donor: donor.documentId, amount: 0.2, receivedAt: '2026-02-05', method: 'cheque', nature: 'cash' } });
    await docs('api::donation.donation').create({ data: { donor: company.documentId, amount: 150, receivedAt: '2026-03-01', method: 'other', nature: 'in_kind' } });
    const town = await docs('api::partner.partner').create({ data: { name: 'Ville de Lyon', kind: 'public_body', isPublic: true } });
    await docs('api::subsidy.subsidy').create({ data: { title: 'Fête de quartier', funder: town.documentId, fiscalYear: 2025, amountRequested: 1000, amountGranted: 800.5, status: 'granted', reportDueAt: '2026-06-30' } });
    ids.mission = await docs('api::mission.mission').create({
      data: { title: 'Collecte alimentaire', startAt: '2026-06-01T08:30:00.000Z', status: 'done', pole: ids.animation.documentId, budgetPlanned: 100, budgetActual: 99.9, location: { name: 'Salle des fêtes', city: 'Lyon' } },
    });
    await docs('api::participation.participation').create({ data: { mission: ids.mission.documentId, member: ids.alice.documentId, status: 'attended', hours: 2.5 } });
    await docs('api::participation.participation').create({ data: { mission: ids.mission.documentId, lastName: 'Visiteur', firstName: 'Victor', email: 'victor@example.org', status: 'confirmed', source: 'website' } });
  }, 300_000); // booting on PostgreSQL on a busy CI machine can take long
  afterAll(() => app?.stop());

  const csv = async (url: string, token?: string) => {
    const res = await download(app, url, token);
    expect(res.status).toBe(200);
    return { res, ...parseCsv(res.body) };
  };

  it('exports the members for a French spreadsheet: BOM, ";", French headers, dates, Oui/Non, poles, dues status', async () => {
    const { res, bom, header, rows, text } = await csv('/back-office/exports/members.csv');
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="adherents-${today}.csv"`);
    expect(bom).toBe(true);
    expect(text.split('\r\n')[0]).toContain('N° d’adhérent;Nom;Prénom;E-mail');
    expect(header).toEqual(expect.arrayContaining(['Date de naissance', 'Bénévole', 'Pôles', 'Cotisation payée jusqu’au', 'Statut de cotisation']));

    const members = await app.strapi.db.query(MEMBER).findMany({ orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(members.length);
    expect(rows.map((r) => r['N° d’adhérent'])).toEqual(members.map((m: any) => String(m.memberNumber)));
    const alice = rows.find((r) => r['Nom'] === 'Martin')!;
    expect(alice).toMatchObject({
      'Prénom': 'Alice', 'E-mail': 'alice@example.org', 'Date de naissance': '17/05/1990', 'Genre': 'Femme', 'Bénévole': 'Oui',
      'Date d’adhésion': '01/03/2024', 'Pôles': 'Animation, Logistique', 'Cotisation payée jusqu’au': '31/08/2027', 'Notes': 'Ligne 1\nLigne 2 ; "citée"',
    });
    expect(rows.find((r) => r['Nom'] === 'Petit')!['Bénévole']).toBe('Non');
    for (const m of members) {
      const row = rows.find((r) => r['N° d’adhérent'] === String(m.memberNumber))!;
      expect(row['Statut de cotisation']).toBe(DUES_STATUS_LABELS[duesStatus(m.duesPaidUntil, { graceDays: 30 })]);
    }
  });

  it('neutralises cells that a spreadsheet would run as formulas, and only those', async () => {
    const { rows } = await csv('/back-office/exports/members.csv');
    const names = rows.map((r) => r['Nom']);
    for (const evil of INJECTIONS) expect(names).toContain(`'${evil}`);
    expect(names).toContain("'\t=1+1");
    expect(names).toContain("'\r=1+1");
    expect(names).toContain('Martin');
    expect(rows.find((r) => r['Nom'] === 'Martin')!['Téléphone']).toBe('06 12 34 56 78');
  });

  it('gives commas, ISO dates and decimal points without BOM with ?format=iso', async () => {
    const res = await download(app, '/back-office/exports/contributions.csv?format=iso');
    const { bom, rows } = parseCsv(res.body, ',');
    expect(bom).toBe(false);
    const first = rows.find((r) => r['Référence'] === 'CHQ-1')!;
    expect(first).toMatchObject({ 'Montant (€)': '0.10', 'Payée le': '2025-09-15', 'Moyen de paiement': 'Chèque' });
    expect((await app.admin('get', '/back-office/exports/members.csv?format=excel')).status).toBe(400);
  });

  it('flattens related data on contributions and filters them by fiscal year, dates and payment method', async () => {
    const { rows } = await csv('/back-office/exports/contributions.csv');
    expect(rows).toHaveLength(await app.strapi.db.query('api::contribution.contribution').count());
    expect(rows.find((r) => r['Référence'] === 'CHQ-1')).toMatchObject({
      'N° d’adhérent': String(ids.alice.memberNumber), 'Nom de l’adhérent': 'Martin', 'Prénom de l’adhérent': 'Alice',
      'Type d’adhésion': 'Annuelle', 'Montant (€)': '0,10', 'Payée le': '15/09/2025', 'Moyen de paiement': 'Chèque',
    });
    // fiscal years start in September here: 2025 = 2025-09-01 … 2026-08-31
    const fy2025 = await csv('/back-office/exports/contributions.csv?fiscalYear=2025');
    expect(fy2025.rows.map((r) => r['Montant (€)']).sort()).toEqual(['0,10', '5,00']);
    expect((await csv('/back-office/exports/contributions.csv?fiscalYear=2026')).rows.map((r) => r['Montant (€)'])).toEqual(['0,20']);
    expect((await csv('/back-office/exports/contributions.csv?paidFrom=2025-09-16&paidTo=2025-10-01')).rows.map((r) => r['Montant (€)'])).toEqual(['5,00']);
    expect((await csv('/back-office/exports/contributions.csv?paymentMethod=helloasso')).rows).toHaveLength(1);
    expect((await csv(`/back-office/exports/contributions.csv?membershipType=${ids.monthly.documentId}`)).rows.map((r) => r['Nom de l’adhérent'])).toEqual(['Petit']);
  });

  it('filters members by city, pole, dues status and volunteering', async () => {
    const names = async (query: string) => (await csv(`/back-office/exports/members.csv?${query}`)).rows.map((r) => r['Nom']).sort();
    expect(await names('city=LYON')).toEqual(['Martin', 'Petit']);
    expect(await names(`pole=${ids.animation.documentId}`)).toEqual(['Martin']);
    expect(await names(`pole=${ids.logistique.documentId}&city=Paris`)).toEqual(['Durand']);
    expect(await names('volunteer=true')).toEqual(['Martin']);
    const members = await app.strapi.db.query(MEMBER).findMany();
    for (const status of ['up_to_date', 'expired', 'never_paid'] as const) {
      const expected = members.filter((m: any) => duesStatus(m.duesPaidUntil, { graceDays: 30 }) === status).map((m: any) => m.lastName.trim());
      const exported = (await names(`duesStatus=${status}`)).map((n) => n.replace(/^'/, '').trim());
      expect(exported.sort()).toEqual(expected.sort());
    }
  });

  it('refuses bad filters with a French 400 naming the parameter, before writing anything', async () => {
    const cases: Array<[string, RegExp]> = [
      ['members.csv?duesStatus=paye', /Paramètre « duesStatus » \(Statut de cotisation\) : valeur « paye » inconnue/],
      ['members.csv?joinedFrom=2024-13-01', /Paramètre « joinedFrom » .*n’est pas une date valide/],
      ['members.csv?joinedFrom=2025-01-01&joinedTo=2024-01-01', /Paramètre « joinedTo » .*la fin de la période précède son début/],
      ['contributions.csv?fiscalYear=deux-mille', /Paramètre « fiscalYear » \(Exercice\) : .*n’est pas une année valide/],
      ['members.csv?ville=Lyon', /Paramètre « ville » inconnu pour l’export adhérents/],
      ['members.csv?volunteer=peut-etre', /Paramètre « volunteer » \(Bénévole\)/],
    ];
    for (const [url, message] of cases) {
      const res = await app.admin('get', `/back-office/exports/${url}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await app.admin('get', '/back-office/exports/secrets.csv')).status).toBe(404);
  });

  it('exports donors with their donation totals to the cent, donations, subsidies and partners', async () => {
    const donors = await csv('/back-office/exports/donors.csv');
    expect(donors.rows).toHaveLength(2);
    expect(donors.rows.find((r) => r['Nom'] === 'Généreux')).toMatchObject({
      'Type': 'Particulier', 'Nombre de dons': '2', 'Total des dons (€)': '0,30', 'Dernier don le': '05/02/2026', 'N° d’adhérent lié': String(ids.alice.memberNumber),
    });
    const donations = await csv('/back-office/exports/donations.csv?nature=in_kind');
    expect(donations.rows).toEqual([expect.objectContaining({ 'Raison sociale': 'Boulangerie Dupain', 'Montant (€)': '150,00', 'Nature': 'En nature', 'Moyen de paiement': 'Autre' })]);
    expect((await csv('/back-office/exports/donations.csv?fiscalYear=2025')).rows).toHaveLength(3);
    const subsidies = await csv('/back-office/exports/subsidies.csv?fiscalYear=2025&status=granted');
    expect(subsidies.rows).toEqual([
      expect.objectContaining({ 'Titre': 'Fête de quartier', 'Financeur': 'Ville de Lyon', 'Montant demandé (€)': '1000,00', 'Montant accordé (€)': '800,50', 'Montant reçu (€)': '', 'Statut': 'Accordée', 'Bilan à rendre le': '30/06/2026' }),
    ]);
    expect((await csv('/back-office/exports/subsidies.csv?status=refused')).rows).toHaveLength(0);
    expect((await csv('/back-office/exports/partners.csv?isPublic=true')).rows).toEqual([expect.objectContaining({ 'Nom': 'Ville de Lyon', 'Type': 'Organisme public', 'Affiché sur le site': 'Oui' })]);
  });

  it('exports missions (Paris time, place, pole, registrations) and participations by mission and date', async () => {
    const missions = await csv('/back-office/exports/missions.csv?fiscalYear=2025');
    expect(missions.rows).toEqual([
      expect.objectContaining({
        'Titre': 'Collecte alimentaire', 'Début': '01/06/2026 10:30', 'Lieu': 'Salle des fêtes', 'Ville': 'Lyon', 'Pôle': 'Animation',
        'Inscrits (confirmés ou présents)': '2', 'Budget prévu (€)': '100,00', 'Budget réel (€)': '99,90', 'Statut': 'Réalisée',
      }),
    ]);
    expect((await csv('/back-office/exports/missions.csv?startFrom=2026-06-02')).rows).toHaveLength(0);
    const iso = parseCsv((await download(app, '/back-office/exports/missions.csv?format=iso')).body, ',');
    expect(iso.rows[0]['Début']).toBe('2026-06-01T10:30:00+02:00');

    const participations = await csv(`/back-office/exports/participations.csv?mission=${ids.mission.documentId}&missionFrom=2026-06-01&missionTo=2026-06-01`);
    expect(participations.rows.map((r) => [r['Nom'], r['Prénom'], r['Statut'], r['Heures']]).sort()).toEqual([
      ['Martin', 'Alice', 'Présent·e', '2,5'],
      ['Visiteur', 'Victor', 'Confirmée', ''],
    ]);
    expect((await csv('/back-office/exports/participations.csv?missionTo=2026-05-31')).rows).toHaveLength(0);
  });

  describe('rights', () => {
    it('refuses an admin without the export right, and one without the read right on the content type (403, French)', async () => {
      const noExport = await adminWithRights(app, 'Lecteur sans export', { read: { [MEMBER]: true } });
      expect((await app.admin('get', '/back-office/exports/members.csv', noExport)).status).toBe(403);

      const treasurer = await adminWithRights(app, 'Trésorier sans adhérents', {
        actions: ['api::back-office.exports.read'],
        read: { 'api::contribution.contribution': true, 'api::membership-type.membership-type': true },
      });
      const refused = await app.admin('get', '/back-office/exports/members.csv', treasurer);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe('Vous n’avez pas le droit de consulter les adhérents : export refusé.');
      // contributions: allowed, but without the member's number and name
      const { header, rows } = parseCsv((await download(app, '/back-office/exports/contributions.csv', treasurer)).body);
      expect(header).toEqual(expect.arrayContaining(['Type d’adhésion', 'Montant (€)', 'Payée le']));
      expect(header).not.toContain('Nom de l’adhérent');
      expect(header).not.toContain('N° d’adhérent');
      expect(rows).toHaveLength(3);
      // the catalog for the admin page lists only what they may export
      const catalog = await app.admin('get', '/back-office/exports', treasurer);
      expect(catalog.body.datasets.map((d: any) => d.name)).toEqual(['contributions']);
    });

    it('leaves out the columns of the fields the role may not read, and refuses filters on them', async () => {
      const limited = await adminWithRights(app, 'Accueil', {
        actions: ['api::back-office.exports.read'],
        read: { [MEMBER]: ['memberNumber', 'lastName', 'firstName', 'city'] },
      });
      const { header, rows } = parseCsv((await download(app, '/back-office/exports/members.csv?city=Lyon', limited)).body);
      expect(header).toEqual(['N° d’adhérent', 'Nom', 'Prénom', 'Ville']);
      expect(rows.map((r) => r['Nom']).sort()).toEqual(['Martin', 'Petit']);
      const res = await app.admin('get', '/back-office/exports/members.csv?duesStatus=expired', limited);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/Filtre « duesStatus »/);
    });
  });
});
