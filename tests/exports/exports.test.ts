import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { adminWithRights, download, parseCsv } from './helpers';
import { loginAs, BUREAU_ROLES } from '../helpers/roles';
import { duesStatus, DUES_STATUS_LABELS } from '../../src/back-office/dues/status';
import { seatsTaken } from '../../src/back-office/missions/capacity';
import type { Json, Saved } from '../helpers/types';

/**
 * CSV exports: every dataset parsed back and compared with the database, French and ISO
 * formats, CSV injection, filters with French 400s, and rights (exports.read, content-type read,
 * field-level read). SQLite and PostgreSQL.
 */
describe(`CSV exports (${DB_CLIENT})`, () => {
  let app: TestApp;
  const MEMBER = 'api::member.member';
  const docs = (uid: string) => app.strapi.documents(uid);
  const ids: Record<string, Saved> = {};
  const today = DateTime.now().setZone('Europe/Paris').toISODate();
  const INJECTIONS = ["=cmd|' /C calc'!A0", '+33 6 00', '-2+3', '@SUM(A1)'];

  beforeAll(async () => {
    app = await startStrapi();
    await docs('api::association.association').create({
      data: { name: 'Les Amis du Quartier', rna: 'W751234567', fiscalYearStartMonth: 9, duesGraceDays: 30 },
    });
    ids.animation = await docs('api::pole.pole').create({ data: { name: 'Animation' } });
    ids.logistique = await docs('api::pole.pole').create({ data: { name: 'Logistique' } });
    ids.annual = await docs('api::membership-type.membership-type').create({ data: { name: 'Annuelle', amount: 20 } });
    ids.monthly = await docs('api::membership-type.membership-type').create({ data: { name: 'Mensuelle', amount: 5, durationMonths: 1 } });
    ids.alice = await docs(MEMBER).create({
      data: {
        firstName: 'Alice',
        lastName: 'Martin',
        email: 'alice@example.org',
        phone: '06 12 34 56 78',
        city: 'Lyon',
        postalCode: '69001',
        birthDate: '1990-05-17',
        gender: 'female',
        isVolunteer: true,
        joinedAt: '2024-03-01',
        notes: 'Ligne 1\nLigne 2 ; "citée"',
        poles: [ids.logistique.documentId, ids.animation.documentId],
      },
    });
    ids.bruno = await docs(MEMBER).create({ data: { firstName: 'Bruno', lastName: 'Petit', city: 'lyon' } });
    ids.chloe = await docs(MEMBER).create({
      data: { firstName: 'Chloé', lastName: 'Durand', city: 'Paris', poles: [ids.logistique.documentId] },
    });
    for (const lastName of [...INJECTIONS, 'Tab', 'Retour'])
      ids[lastName] = await docs(MEMBER).create({ data: { firstName: 'X', lastName } });
    // tab and carriage return are trimmed by the write rules: put them in the database directly (an import, a restore...)
    const table = app.strapi.db.metadata.get(MEMBER).tableName;
    await app.strapi.db.connection(table).where({ document_id: ids.Tab.documentId }).update({ last_name: '\t=1+1' });
    await app.strapi.db.connection(table).where({ document_id: ids.Retour.documentId }).update({ last_name: '\r=1+1' });

    const contribution = (member: Saved, type: Saved, amount: number, paidAt: string, paymentMethod: string, reference?: string) =>
      docs('api::contribution.contribution').create({
        data: { member: member.documentId, membershipType: type.documentId, amount, paidAt, paymentMethod, reference },
      });
    await contribution(ids.alice, ids.annual, 0.1, '2025-09-15', 'cheque', 'CHQ-1');
    await contribution(ids.alice, ids.annual, 0.2, '2026-09-10', 'helloasso');
    await contribution(ids.bruno, ids.monthly, 5, '2025-10-01', 'cash');

    const donor = await docs('api::donor.donor').create({
      data: { kind: 'individual', lastName: 'Généreux', firstName: 'Gaston', city: 'Lyon', member: ids.alice.documentId },
    });
    const company = await docs('api::donor.donor').create({ data: { kind: 'company', companyName: 'Boulangerie Dupain' } });
    await docs('api::donation.donation').create({
      data: { donor: donor.documentId, amount: 0.1, receivedAt: '2026-01-05', method: 'transfer', nature: 'cash' },
    });
    await docs('api::donation.donation').create({
      data: { donor: donor.documentId, amount: 0.2, receivedAt: '2026-02-05', method: 'cheque', nature: 'cash', campaign: 'Noël' },
    });
    await docs('api::donation.donation').create({
      data: { donor: company.documentId, amount: 150, receivedAt: '2026-03-01', method: 'other', nature: 'in_kind' },
    });
    await docs('api::donation.donation').create({
      data: { donor: company.documentId, amount: 10, receivedAt: '2024-12-01', method: 'cash', nature: 'cash' },
    }); // fiscal year 2024
    const town = await docs('api::partner.partner').create({ data: { name: 'Ville de Lyon', kind: 'public_body', isPublic: true } });
    await docs('api::subsidy.subsidy').create({
      data: {
        title: 'Fête de quartier',
        funder: town.documentId,
        fiscalYear: 2025,
        amountRequested: 1000,
        amountGranted: 800.5,
        status: 'granted',
        reportDueAt: '2026-06-30',
      },
    });
    ids.foundation = await docs('api::partner.partner').create({
      data: { name: 'Fondation Solidaire', kind: 'foundation', isPublic: false },
    });
    await docs('api::subsidy.subsidy').create({
      data: { title: 'Local associatif', funder: ids.foundation.documentId, fiscalYear: 2026, amountRequested: 300, status: 'submitted' },
    });
    ids.mission = await docs('api::mission.mission').create({
      data: {
        title: 'Collecte alimentaire',
        startAt: '2026-06-01T08:30:00.000Z',
        status: 'done',
        pole: ids.animation.documentId,
        budgetPlanned: 100,
        budgetActual: 99.9,
        location: { name: 'Salle des fêtes', city: 'Lyon' },
      },
    });
    await docs('api::participation.participation').create({
      data: { mission: ids.mission.documentId, member: ids.alice.documentId, status: 'attended', hours: 2.5 },
    });
    await docs('api::participation.participation').create({
      data: {
        mission: ids.mission.documentId,
        lastName: 'Visiteur',
        firstName: 'Victor',
        email: 'victor@example.org',
        status: 'confirmed',
        source: 'website',
      },
    });
    // an earlier mission (fiscal year 2024), to tell the mission filters apart
    ids.maraude = await docs('api::mission.mission').create({
      data: { title: 'Maraude', kind: 'event', startAt: '2024-10-15T17:00:00.000Z', status: 'planned', pole: ids.logistique.documentId },
    });
    await docs('api::participation.participation').create({
      data: { mission: ids.maraude.documentId, member: ids.bruno.documentId, status: 'cancelled' },
    });
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
    expect(header).toEqual(
      expect.arrayContaining(['Date de naissance', 'Bénévole', 'Pôles', 'Cotisation payée jusqu’au', 'Statut de cotisation'])
    );

    const members = await app.strapi.db.query(MEMBER).findMany({ orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(members.length);
    expect(rows.map((r) => r['N° d’adhérent'])).toEqual(members.map((m: Json) => String(m.memberNumber)));
    const alice = rows.find((r) => r['Nom'] === 'Martin')!;
    expect(alice).toMatchObject({
      Prénom: 'Alice',
      'E-mail': 'alice@example.org',
      'Date de naissance': '17/05/1990',
      Genre: 'Femme',
      Bénévole: 'Oui',
      'Date d’adhésion': '01/03/2024',
      Pôles: 'Animation, Logistique',
      'Cotisation payée jusqu’au': '31/08/2027',
      Notes: 'Ligne 1\nLigne 2 ; "citée"',
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
      'N° d’adhérent': String(ids.alice.memberNumber),
      'Nom de l’adhérent': 'Martin',
      'Prénom de l’adhérent': 'Alice',
      'Type d’adhésion': 'Annuelle',
      'Montant (€)': '0,10',
      'Payée le': '15/09/2025',
      'Moyen de paiement': 'Chèque',
    });
    // fiscal years start in September here: 2025 = 2025-09-01 … 2026-08-31
    const fy2025 = await csv('/back-office/exports/contributions.csv?fiscalYear=2025');
    expect(fy2025.rows.map((r) => r['Montant (€)']).sort()).toEqual(['0,10', '5,00']);
    expect((await csv('/back-office/exports/contributions.csv?fiscalYear=2026')).rows.map((r) => r['Montant (€)'])).toEqual(['0,20']);
    expect(
      (await csv('/back-office/exports/contributions.csv?paidFrom=2025-09-16&paidTo=2025-10-01')).rows.map((r) => r['Montant (€)'])
    ).toEqual(['5,00']);
    expect((await csv('/back-office/exports/contributions.csv?paymentMethod=helloasso')).rows).toHaveLength(1);
    expect(
      (await csv(`/back-office/exports/contributions.csv?membershipType=${ids.monthly.documentId}`)).rows.map((r) => r['Nom de l’adhérent'])
    ).toEqual(['Petit']);
  });

  it('filters members by city, pole, dues status and volunteering', async () => {
    const names = async (query: string) => (await csv(`/back-office/exports/members.csv?${query}`)).rows.map((r) => r['Nom']).sort();
    expect(await names('city=LYON')).toEqual(['Martin', 'Petit']);
    expect(await names(`pole=${ids.animation.documentId}`)).toEqual(['Martin']);
    expect(await names(`pole=${ids.logistique.documentId}&city=Paris`)).toEqual(['Durand']);
    expect(await names('volunteer=true')).toEqual(['Martin']);
    type StoredMember = { lastName: string; duesPaidUntil: string | null };
    const members = await app.strapi.db.query(MEMBER).findMany();
    for (const status of ['up_to_date', 'expired', 'never_paid'] as const) {
      const expected = members
        .filter((m: StoredMember) => duesStatus(m.duesPaidUntil, { graceDays: 30 }) === status)
        .map((m: StoredMember) => m.lastName.trim());
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
      Type: 'Particulier',
      'Nombre de dons': '2',
      'Total des dons (€)': '0,30',
      'Dernier don le': '05/02/2026',
      'N° d’adhérent lié': String(ids.alice.memberNumber),
    });
    const donations = await csv('/back-office/exports/donations.csv?nature=in_kind');
    expect(donations.rows).toEqual([
      expect.objectContaining({
        'Raison sociale': 'Boulangerie Dupain',
        'Montant (€)': '150,00',
        Nature: 'En nature',
        'Moyen de paiement': 'Autre',
      }),
    ]);
    expect((await csv('/back-office/exports/donations.csv?fiscalYear=2025')).rows).toHaveLength(3);
    // money given (nature « cash ») is « Numéraire »; « Espèces » is the payment method
    expect((await csv('/back-office/exports/donations.csv?fiscalYear=2024')).rows).toEqual([
      expect.objectContaining({ 'Raison sociale': 'Boulangerie Dupain', Nature: 'Numéraire', 'Moyen de paiement': 'Espèces' }),
    ]);
    const catalog = (await app.admin('get', '/back-office/exports')).body.datasets.find((d: Json) => d.name === 'donations');
    const option = (param: string, value: string) =>
      catalog.filters.find((f: Json) => f.param === param).options.find((o: Json) => o.value === value).label;
    expect([option('nature', 'cash'), option('method', 'cash')]).toEqual(['Numéraire', 'Espèces']);
    const subsidies = await csv('/back-office/exports/subsidies.csv?fiscalYear=2025&status=granted');
    expect(subsidies.rows).toEqual([
      expect.objectContaining({
        Titre: 'Fête de quartier',
        Financeur: 'Ville de Lyon',
        'Montant demandé (€)': '1000,00',
        'Montant accordé (€)': '800,50',
        'Montant reçu (€)': '',
        Statut: 'Accordée',
        'Bilan à rendre le': '30/06/2026',
      }),
    ]);
    expect((await csv('/back-office/exports/subsidies.csv?status=refused')).rows).toHaveLength(0);
    expect((await csv('/back-office/exports/partners.csv?isPublic=true')).rows).toEqual([
      expect.objectContaining({ Nom: 'Ville de Lyon', Type: 'Organisme public', 'Affiché sur le site': 'Oui' }),
    ]);
  });

  it('exports missions (Paris time, place, pole, registrations) and participations by mission and date', async () => {
    const missions = await csv('/back-office/exports/missions.csv?fiscalYear=2025');
    expect(missions.rows).toEqual([
      expect.objectContaining({
        Titre: 'Collecte alimentaire',
        Début: '01/06/2026 10:30',
        Lieu: 'Salle des fêtes',
        Ville: 'Lyon',
        Pôle: 'Animation',
        'Inscrits (places occupées)': '2',
        'Budget prévu (€)': '100,00',
        'Budget réel (€)': '99,90',
        Statut: 'Réalisée',
      }),
    ]);
    expect((await csv('/back-office/exports/missions.csv?startFrom=2026-06-02')).rows).toHaveLength(0);
    const iso = parseCsv((await download(app, '/back-office/exports/missions.csv?format=iso')).body, ',');
    expect(iso.rows[0]['Début']).toBe('2026-06-01T10:30:00+02:00');

    const participations = await csv(
      `/back-office/exports/participations.csv?mission=${ids.mission.documentId}&missionFrom=2026-06-01&missionTo=2026-06-01`
    );
    expect(participations.rows.map((r) => [r['Nom'], r['Prénom'], r['Statut'], r['Heures']]).sort()).toEqual([
      ['Martin', 'Alice', 'Présent·e', '2,5'],
      ['Visiteur', 'Victor', 'Confirmé·e', ''],
    ]);
    expect((await csv('/back-office/exports/participations.csv?missionTo=2026-05-31')).rows.map((r) => r['Nom'])).toEqual(['Petit']);
  });

  /**
   * Every filter of every dataset, against the database read with Strapi's query engine (an
   * independent oracle; datetimes as UTC instants computed by hand for days in Paris). Each case
   * must narrow the list (neither empty nor everything), so an ignored filter fails.
   */
  describe('each filter of each dataset', () => {
    type Case = [string, string, Json];
    /** A record as Strapi's query engine reads it: the fields the keys are made of. */
    interface StoredRecord {
      [field: string]: unknown;
      memberNumber?: number;
      paidAt?: string;
      receivedAt?: string;
      lastName?: string | null;
      companyName?: string | null;
      title?: string;
      name?: string;
      member?: { lastName: string } | null;
    }
    const DATASETS: Record<
      string,
      {
        uid: string;
        populate?: Json;
        rowKey: (r: Record<string, string>) => string;
        recordKey: (x: StoredRecord) => string;
        cases: () => Case[];
      }
    > = {
      members: {
        uid: MEMBER,
        rowKey: (r) => r['N° d’adhérent'],
        recordKey: (m) => String(m.memberNumber),
        cases: () => [
          ['city', 'LYON', { city: { $eqi: 'lyon' } }],
          ['postalCode', '69001', { postalCode: '69001' }],
          ['pole', ids.logistique.documentId, { poles: { documentId: ids.logistique.documentId } }],
          ['volunteer', 'true', { isVolunteer: true }],
          ['volunteer', 'false', { $or: [{ isVolunteer: false }, { isVolunteer: null }] }],
          ['gender', 'female', { gender: 'female' }],
          ['joinedFrom', '2024-03-01', { joinedAt: { $gte: '2024-03-01' } }],
          ['joinedTo', '2024-03-01', { joinedAt: { $lte: '2024-03-01' } }],
        ],
      },
      contributions: {
        uid: 'api::contribution.contribution',
        rowKey: (r) => r['Payée le'],
        recordKey: (c) => c.paidAt,
        cases: () => [
          ['paidFrom', '2025-10-01', { paidAt: { $gte: '2025-10-01' } }],
          ['paidTo', '2025-10-01', { paidAt: { $lte: '2025-10-01' } }],
          ['fiscalYear', '2026', { paidAt: { $between: ['2026-09-01', '2027-08-31'] } }],
          ['paymentMethod', 'cash', { paymentMethod: 'cash' }],
          ['membershipType', ids.annual.documentId, { membershipType: { documentId: ids.annual.documentId } }],
        ],
      },
      donations: {
        uid: 'api::donation.donation',
        rowKey: (r) => r['Reçu le'],
        recordKey: (d) => d.receivedAt,
        cases: () => [
          ['receivedFrom', '2026-02-05', { receivedAt: { $gte: '2026-02-05' } }],
          ['receivedTo', '2026-02-05', { receivedAt: { $lte: '2026-02-05' } }],
          ['fiscalYear', '2024', { receivedAt: { $between: ['2024-09-01', '2025-08-31'] } }],
          ['method', 'cheque', { method: 'cheque' }],
          ['nature', 'cash', { nature: 'cash' }],
          ['campaign', 'noël', { campaign: 'Noël' }],
        ],
      },
      donors: {
        uid: 'api::donor.donor',
        rowKey: (r) => `${r['Nom']}|${r['Raison sociale']}`,
        recordKey: (d) => `${d.lastName ?? ''}|${d.companyName ?? ''}`,
        cases: () => [
          ['kind', 'company', { kind: 'company' }],
          ['city', 'lyon', { city: 'Lyon' }],
        ],
      },
      subsidies: {
        uid: 'api::subsidy.subsidy',
        rowKey: (r) => r['Titre'],
        recordKey: (x) => x.title,
        cases: () => [
          ['fiscalYear', '2026', { fiscalYear: 2026 }],
          ['status', 'submitted', { status: 'submitted' }],
          ['funder', ids.foundation.documentId, { funder: { documentId: ids.foundation.documentId } }],
          ['reportDueFrom', '2026-06-30', { reportDueAt: { $gte: '2026-06-30' } }],
          ['reportDueTo', '2026-06-30', { reportDueAt: { $lte: '2026-06-30' } }],
        ],
      },
      partners: {
        uid: 'api::partner.partner',
        rowKey: (r) => r['Nom'],
        recordKey: (x) => x.name,
        cases: () => [
          ['kind', 'foundation', { kind: 'foundation' }],
          ['isPublic', 'false', { $or: [{ isPublic: false }, { isPublic: null }] }],
        ],
      },
      missions: {
        uid: 'api::mission.mission',
        rowKey: (r) => r['Titre'],
        recordKey: (x) => x.title,
        cases: () => [
          // 1 June 2026 in Paris starts at 22:00 UTC the day before (summer time)
          ['startFrom', '2026-06-01', { startAt: { $gte: '2026-05-31T22:00:00.000Z' } }],
          ['startTo', '2024-10-15', { startAt: { $lt: '2024-10-15T22:00:00.000Z' } }],
          ['fiscalYear', '2024', { startAt: { $gte: '2024-08-31T22:00:00.000Z', $lt: '2025-08-31T22:00:00.000Z' } }],
          ['status', 'planned', { status: 'planned' }],
          ['kind', 'event', { kind: 'event' }],
          ['pole', ids.animation.documentId, { pole: { documentId: ids.animation.documentId } }],
        ],
      },
      participations: {
        uid: 'api::participation.participation',
        populate: { member: true },
        rowKey: (r) => r['Nom'],
        recordKey: (p) => p.lastName ?? p.member?.lastName,
        cases: () => [
          ['mission', ids.maraude.documentId, { mission: { documentId: ids.maraude.documentId } }],
          ['status', 'attended', { status: 'attended' }],
          ['missionFrom', '2026-06-01', { mission: { startAt: { $gte: '2026-05-31T22:00:00.000Z' } } }],
          ['missionTo', '2024-10-15', { mission: { startAt: { $lt: '2024-10-15T22:00:00.000Z' } } }],
        ],
      },
    };

    it('tells the admin page the fiscal year in progress, the default of the report\u2019s year selector', async () => {
      const now = DateTime.now().setZone('Europe/Paris');
      const catalog = await app.admin('get', '/back-office/exports');
      expect(catalog.body.currentFiscalYear).toBe(now.month >= 9 ? now.year : now.year - 1); // fiscal years start in September here
    });

    it('covers every filter the admin page offers', async () => {
      const catalog = await app.admin('get', '/back-office/exports');
      const offered = catalog.body.datasets
        .flatMap((d: { name: string; filters: Array<{ param: string }> }) => d.filters.map((f) => `${d.name}.${f.param}`))
        .sort();
      const tested = Object.entries(DATASETS).flatMap(([name, d]) => d.cases().map(([param]) => `${name}.${param}`));
      expect(offered).toEqual([...new Set([...tested, 'members.duesStatus'])].sort()); // duesStatus: its own test above
    });

    it.each(Object.keys(DATASETS))('%s: each filter gives exactly the matching records', async (name) => {
      const d = DATASETS[name];
      const keysOf = async (where: Json) =>
        (await app.strapi.db.query(d.uid).findMany({ where, populate: d.populate })).map(d.recordKey).sort();
      const all = await keysOf({});
      const full = parseCsv((await download(app, `/back-office/exports/${name}.csv?format=iso`)).body, ',');
      expect(full.rows.map(d.rowKey).sort()).toEqual(all);
      for (const [param, value, where] of d.cases()) {
        const expected = await keysOf(where);
        const res = await download(app, `/back-office/exports/${name}.csv?format=iso&${param}=${encodeURIComponent(value)}`);
        expect({ param, status: res.status }).toEqual({ param, status: 200 });
        const got = parseCsv(res.body, ',').rows.map(d.rowKey).sort();
        expect({ param, value, got }).toEqual({ param, value, got: expected });
        // the case must tell a working filter from an ignored one
        expect({ param, narrows: expected.length > 0 && expected.length < all.length }).toEqual({ param, narrows: true });
      }
    });
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
      expect(catalog.body.datasets.map((d: Json) => d.name)).toEqual(['contributions']);
    });

    // the table of rights (read column), copied as the specification
    const READERS: Record<string, string[]> = {
      members: ['asso-treasurer', 'asso-secretary', 'asso-volunteer-manager'],
      contributions: ['asso-treasurer', 'asso-secretary', 'asso-volunteer-manager'],
      donations: ['asso-treasurer', 'asso-partnerships'],
      donors: ['asso-treasurer', 'asso-partnerships'],
      subsidies: ['asso-treasurer', 'asso-secretary', 'asso-partnerships'],
      partners: [...BUREAU_ROLES],
      missions: [...BUREAU_ROLES],
      participations: ['asso-secretary', 'asso-volunteer-manager'],
    };

    it.each(BUREAU_ROLES)('%s exports exactly the lists its role may read (the issue\u2019s table)', async (role) => {
      const token = await loginAs(app, role);
      const got: Record<string, number> = {};
      for (const name of Object.keys(READERS)) got[name] = (await app.admin('get', `/back-office/exports/${name}.csv`, token)).status;
      expect(got).toEqual(Object.fromEntries(Object.keys(READERS).map((name) => [name, READERS[name].includes(role) ? 200 : 403])));
      const catalog = await app.admin('get', '/back-office/exports', token);
      expect(catalog.body.datasets.map((d: Json) => d.name)).toEqual(Object.keys(READERS).filter((name) => READERS[name].includes(role)));
      // missions: the number of registrations comes from the participations, which only some roles read
      const missions = parseCsv((await download(app, '/back-office/exports/missions.csv', token)).body);
      expect(missions.header.includes('Inscrits (places occupées)')).toBe(READERS.participations.includes(role));
      expect(missions.rows).toHaveLength(await app.strapi.db.query('api::mission.mission').count());
    });

    it('gives the financial report to the treasurer and the partnerships manager only, with the sections they may read', async () => {
      for (const role of BUREAU_ROLES) {
        const res = await download(app, '/back-office/reports/financial.csv?year=2025', await loginAs(app, role));
        expect({ role, status: res.status }).toEqual({ role, status: ['asso-treasurer', 'asso-partnerships'].includes(role) ? 200 : 403 });
        if (res.status !== 200) continue;
        const sections = new Set(parseCsv(res.body).rows.map((r) => r['Rubrique']));
        expect(sections.has('Cotisations')).toBe(role === 'asso-treasurer');
        expect(sections.has('Dons')).toBe(true);
        expect(sections.has('Subventions accordées')).toBe(true);
      }
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

  it('counts as « Inscrits » of a mission the places taken by the capacity rule (confirmed, present, absent), as the calendar does', async () => {
    // last of the file: the filter cases above are written for the other missions
    const m = await docs('api::mission.mission').create({
      data: {
        title: 'Atelier réparation',
        startAt: '2025-03-08T09:00:00.000Z',
        endAt: '2025-03-08T12:00:00.000Z',
        status: 'done',
        capacity: 10,
      },
    });
    for (const status of ['confirmed', 'attended', 'absent', 'absent', 'waitlisted', 'pending', 'cancelled']) {
      await docs('api::participation.participation').create({
        data: { mission: m.documentId, firstName: 'Statut', lastName: status, status },
      });
    }
    const row = (await csv('/back-office/exports/missions.csv?fiscalYear=2024')).rows.find((r) => r['Titre'] === 'Atelier réparation')!;
    expect(row['Inscrits (places occupées)']).toBe('4');
    // the capacity rule's count (places left for the waiting list) and the calendar say the same
    const { id } = await app.strapi.db.query('api::mission.mission').findOne({ where: { documentId: m.documentId }, select: ['id'] });
    expect(await seatsTaken(app.strapi, id)).toBe(4);
    const calendar = await app.admin('get', '/back-office/calendar?from=2025-03-08&to=2025-03-09');
    expect(calendar.body.data).toEqual([expect.objectContaining({ documentId: m.documentId, confirmed: 4, capacity: 10, waitlisted: 1 })]);
  });
});
