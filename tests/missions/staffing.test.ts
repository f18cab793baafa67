import type { Response } from 'supertest';
import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { startSmtp, TestSmtp } from '../helpers/smtp';
import { loginAs } from '../helpers/roles';
import { download, parseCsv } from '../exports/helpers';
import { downloadPdf, expectEmbeddedFontsOnly, flat, pdftotext } from '../outputs/pdf-tools';
import type { Json, Saved } from '../helpers/types';

/**
 * Staffing a mission from its page (src/back-office/missions/staffing.ts), finding volunteers
 * (volunteers.ts) and the attendance sheet (attendance.ts): places and the waiting list as the
 * capacity rule decides them, statuses in French, the overlap warning before adding, every search
 * criterion combined with AND, the CSV export, the PDF read back by pdftotext; rights and bad input.
 * Runs on SQLite and PostgreSQL.
 */
describe(`staffing a mission (${DB_CLIENT})`, () => {
  let app: TestApp;
  let smtp: TestSmtp;
  let manager: string;
  const MISSION = 'api::mission.mission';
  const MEMBER = 'api::member.member';
  const PARTICIPATION = 'api::participation.participation';
  const docs = (uid: string) => app.strapi.documents(uid);
  const inDays = (days: number, hour = 10) =>
    DateTime.now().setZone('Europe/Paris').plus({ days }).set({ hour, minute: 0, second: 0, millisecond: 0 });
  /** a birth date giving this age today */
  const bornYearsAgo = (years: number, days = 10) => DateTime.now().setZone('Europe/Paris').minus({ years, days }).toISODate();
  const ref: Record<string, Saved> = {};
  const m: Record<string, Saved> = {};
  let mission: Saved;
  let other: Saved;

  const volunteers = (missionId: string, token = manager) => app.admin('get', `/back-office/missions/${missionId}/volunteers`, token);
  const add = (missionId: string, members: string[], token = manager) =>
    app.admin('post', `/back-office/missions/${missionId}/volunteers`, token).send({ members });
  const setStatus = (missionId: string, participationId: string, status: unknown, token = manager) =>
    app.admin('put', `/back-office/missions/${missionId}/participations/${participationId}`, token).send({ status });
  const participationOf = async (missionId: string, memberId: string) =>
    app.strapi.db.query(PARTICIPATION).findOne({ where: { mission: { documentId: missionId }, member: { documentId: memberId } } });

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startStrapi({ env: smtp.env });
    await docs('api::association.association').create({ data: { name: 'Les Amis du Quartier' } });
    for (const name of ['Cuisine', 'Premiers secours', 'Conduite']) ref[name] = await docs('api::skill.skill').create({ data: { name } });
    for (const [i, name] of ['Week-ends', 'Soirées en semaine'].entries())
      ref[name] = await docs('api::availability-slot.availability-slot').create({ data: { code: `slot-${i}`, name, position: i } });
    for (const name of ['Solidarité', 'Événements']) ref[name] = await docs('api::pole.pole').create({ data: { name } });
    const ids = (...names: string[]) => names.map((n) => ref[n].documentId);
    const member = (key: string, data: Json) =>
      docs(MEMBER)
        .create({ data: { isVolunteer: true, ...data } })
        .then((r: Saved) => (m[key] = r));
    await member('alice', {
      firstName: 'Alice',
      lastName: 'Martin',
      city: 'Lyon',
      phone: '06 11 22 33 44',
      email: 'alice@exemple.org',
      birthDate: bornYearsAgo(30),
      skills: ids('Cuisine', 'Premiers secours'),
      availability: ids('Week-ends'),
      poles: ids('Solidarité'),
    });
    await member('bruno', {
      firstName: 'Bruno',
      lastName: 'Petit',
      city: 'Villeurbanne',
      phone: '06 55 66 77 88',
      birthDate: bornYearsAgo(45),
      skills: ids('Cuisine'),
      availability: ids('Week-ends', 'Soirées en semaine'),
      poles: ids('Solidarité', 'Événements'),
    });
    await member('chloe', {
      firstName: 'Chloé',
      lastName: 'Durand',
      city: 'LYON',
      email: 'chloe@exemple.org',
      birthDate: bornYearsAgo(19),
      skills: ids('Premiers secours'),
      availability: ids('Soirées en semaine'),
      poles: ids('Événements'),
    });
    await member('david', {
      firstName: 'David',
      lastName: 'Bernard',
      city: 'Lyon',
      email: 'david@exemple.org',
      skills: ids('Cuisine', 'Premiers secours', 'Conduite'),
      availability: ids('Week-ends'),
      poles: ids('Solidarité'),
    });
    await member('emma', {
      firstName: 'Emma',
      lastName: 'Leroy',
      city: 'Lyon',
      isVolunteer: false,
      birthDate: bornYearsAgo(30),
      skills: ids('Cuisine'),
      availability: ids('Week-ends'),
      poles: ids('Solidarité'),
    });
    mission = await docs(MISSION).create({
      data: {
        title: 'Collecte de printemps',
        startAt: inDays(10).toISO(),
        endAt: inDays(10, 13).toISO(),
        capacity: 2,
        location: { name: 'Salle Paul Bert', address: '12 rue Paul Bert', postalCode: '69003', city: 'Lyon' },
      },
    });
    // Bruno is already on another mission at the same time
    other = await docs(MISSION).create({
      data: { title: 'Maraude du samedi', startAt: inDays(10, 11).toISO(), endAt: inDays(10, 14).toISO() },
    });
    await docs(PARTICIPATION).create({ data: { mission: other.documentId, member: m.bruno.documentId } });
    manager = await loginAs(app, 'asso-volunteer-manager');
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  describe('the « Bénévoles » panel', () => {
    it('warns before adding about who is elsewhere at the same time', async () => {
      const res = await app.admin(
        'get',
        `/back-office/missions/${mission.documentId}/candidate-overlaps?members=${m.alice.documentId},${m.bruno.documentId}`,
        manager
      );
      expect(res.status).toBe(200);
      expect(res.body.data.overlaps).toEqual([
        {
          member: { documentId: m.bruno.documentId, name: 'Bruno Petit' },
          missions: [expect.objectContaining({ documentId: other.documentId, title: 'Maraude du samedi' })],
        },
      ]);
    });

    it('adds several at once: a place while there is one, then the waiting list in order, and says which', async () => {
      const res = await add(mission.documentId, [m.alice.documentId, m.bruno.documentId, m.chloe.documentId, m.david.documentId]);
      expect(res.status).toBe(200);
      expect(res.body.data.added.map((a: Json) => [a.name, a.outcome, a.statusLabel])).toEqual([
        ['Martin Alice', 'confirmed', 'Confirmé·e'],
        ['Petit Bruno', 'confirmed', 'Confirmé·e'],
        ['Durand Chloé', 'waitlisted', 'Liste d’attente'],
        ['Bernard David', 'waitlisted', 'Liste d’attente'],
      ]);
      expect(res.body.data.message).toBe('Ajout terminé : 2 confirmé·es, 2 en liste d’attente (mission complète).');

      const panel = (await volunteers(mission.documentId)).body.data;
      expect(panel.places).toEqual({ taken: 2, capacity: 2, free: 0 });
      expect(panel.mission).toMatchObject({ title: 'Collecte de printemps', place: 'Salle Paul Bert, 12 rue Paul Bert, 69003, Lyon' });
      expect(panel.participations.map((p: Json) => [p.name, p.statusLabel, p.waitlistPosition])).toEqual([
        ['Martin Alice', 'Confirmé·e', null],
        ['Petit Bruno', 'Confirmé·e', null],
        ['Durand Chloé', 'Liste d’attente', 1],
        ['Bernard David', 'Liste d’attente', 2],
      ]);
      // someone already on it is left as they are
      const again = await add(mission.documentId, [m.alice.documentId]);
      expect(again.body.data.added).toEqual([
        expect.objectContaining({ name: 'Martin Alice', outcome: 'already', statusLabel: 'Confirmé·e' }),
      ]);
      expect(again.body.data.message).toBe('Ajout terminé : 0 confirmé·e, 1 déjà inscrit·e.');
      expect(await app.strapi.db.query(PARTICIPATION).count({ where: { mission: { documentId: mission.documentId } } })).toBe(4);
    });

    it('changes statuses from the panel; a cancellation gives the place to the first waiting, who is told by e-mail', async () => {
      const alice = await participationOf(mission.documentId, m.alice.documentId);
      const bruno = await participationOf(mission.documentId, m.bruno.documentId);
      const david = await participationOf(mission.documentId, m.david.documentId);
      // confirming someone waiting on a full mission is refused, and nothing changes
      const refused = await setStatus(mission.documentId, david.documentId, 'confirmed');
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/^Statut : la mission est complète \(2 places confirmées\)/);
      expect((await participationOf(mission.documentId, m.david.documentId)).status).toBe('waitlisted');

      const present = await setStatus(mission.documentId, alice.documentId, 'attended');
      expect(present.status).toBe(200);
      expect(present.body.data.participations.find((p: Json) => p.name === 'Martin Alice').statusLabel).toBe('Présent·e');
      const cancelled = await setStatus(mission.documentId, bruno.documentId, 'cancelled');
      const rows = cancelled.body.data.participations.map((p: Json) => [p.name, p.statusLabel, p.waitlistPosition]);
      expect(rows).toEqual([
        ['Durand Chloé', 'Confirmé·e', null],
        ['Martin Alice', 'Présent·e', null],
        ['Bernard David', 'Liste d’attente', 1],
        ['Petit Bruno', 'Annulé·e', null],
      ]);
      expect(cancelled.body.data.places).toEqual({ taken: 2, capacity: 2, free: 0 });
      const [mail] = await smtp.waitFor('chloe@exemple.org');
      expect(mail.subject).toBe('Une place s’est libérée : Collecte de printemps');
      const absent = await setStatus(mission.documentId, david.documentId, 'absent');
      expect(absent.status).toBe(400); // absent holds a place: the mission is full
    });

    it('brings back a cancelled person by the rule of a new one (here: the end of the waiting list)', async () => {
      const res = await add(mission.documentId, [m.bruno.documentId]);
      expect(res.body.data.added).toEqual([
        expect.objectContaining({ name: 'Petit Bruno', outcome: 'waitlisted', statusLabel: 'Liste d’attente' }),
      ]);
      const waiting = res.body.data.volunteers.participations
        .filter((p: Json) => p.status === 'waitlisted')
        .map((p: Json) => [p.name, p.waitlistPosition]);
      expect(waiting).toEqual([
        ['Bernard David', 1],
        ['Petit Bruno', 2],
      ]);
    });

    it('refuses bad input in French naming the field, unknown records with 404, a cancelled mission with 400; nothing is written', async () => {
      const count = () => app.strapi.db.query(PARTICIPATION).count();
      const before = await count();
      const bad = await add(mission.documentId, []);
      expect([bad.status, bad.body.error.message, bad.body.error.details.errors[0].path]).toEqual([
        400,
        'Bénévoles : choisissez au moins un adhérent.',
        ['members'],
      ]);
      const unknown = await add(mission.documentId, [m.emma.documentId, 'inconnu123']);
      expect([unknown.status, unknown.body.error.message]).toEqual([
        400,
        'Bénévoles : 1 adhérent(s) introuvable(s) ; rechargez la liste et recommencez.',
      ]);
      const alice = await participationOf(mission.documentId, m.alice.documentId);
      const status = await setStatus(mission.documentId, alice.documentId, 'present');
      expect(status.status).toBe(400);
      expect(status.body.error.message).toMatch(/^Statut : valeur « present » inconnue ; valeurs possibles : .*attended \(Présent·e\)/);
      expect((await setStatus(other.documentId, alice.documentId, 'absent')).status).toBe(404);
      expect((await volunteers('inconnu123')).status).toBe(404);
      const cancelledMission = await docs(MISSION).create({ data: { title: 'Annulée', startAt: inDays(5).toISO(), status: 'cancelled' } });
      const onCancelled = await add(cancelledMission.documentId, [m.emma.documentId]);
      expect([onCancelled.status, onCancelled.body.error.message]).toEqual([400, 'Mission annulée : on ne peut plus y inscrire personne.']);
      expect(await count()).toBe(before);
      expect((await participationOf(mission.documentId, m.alice.documentId)).status).toBe('attended');
    });

    it('follows the roles: reading needs the participations, adding and changing need their create and update rights', async () => {
      const treasurer = await loginAs(app, 'asso-treasurer');
      const secretary = await loginAs(app, 'asso-secretary');
      const before = await app.strapi.db.query(PARTICIPATION).count();
      expect((await volunteers(mission.documentId, treasurer)).status).toBe(403);
      expect((await volunteers(mission.documentId, secretary)).status).toBe(200);
      expect((await add(mission.documentId, [m.emma.documentId], secretary)).status).toBe(403);
      const alice = await participationOf(mission.documentId, m.alice.documentId);
      expect((await setStatus(mission.documentId, alice.documentId, 'absent', secretary)).status).toBe(403);
      expect((await app.http().get(`/back-office/missions/${mission.documentId}/volunteers`)).status).toBe(401);
      expect(await app.strapi.db.query(PARTICIPATION).count()).toBe(before);
      expect((await participationOf(mission.documentId, m.alice.documentId)).status).toBe('attended');
    });

    it('lists the missions one can still add people to, with their free places', async () => {
      const res = await app.admin('get', '/back-office/missions/open?search=collecte', manager);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([
        expect.objectContaining({
          documentId: mission.documentId,
          title: 'Collecte de printemps',
          places: { taken: 2, capacity: 2, free: 0 },
        }),
      ]);
    });
  });

  describe('« Trouver des bénévoles »', () => {
    const search = (query: string, token = manager) => app.admin('get', `/back-office/volunteers?${query}`, token);
    const names = (res: Response) => res.body.data.map((r: Json) => `${r.firstName} ${r.lastName}`);

    it('combines every criterion with AND, and shows the attributes searched on', async () => {
      expect(names(await search(''))).toEqual(['David Bernard', 'Chloé Durand', 'Alice Martin', 'Bruno Petit']);
      // both skills: Alice and David, not Bruno (cooking only) nor Chloé (first aid only)
      expect(names(await search(`skills=${ref.Cuisine.documentId},${ref['Premiers secours'].documentId}`))).toEqual([
        'David Bernard',
        'Alice Martin',
      ]);
      expect(names(await search(`skills=${ref.Cuisine.documentId}&availability=${ref['Soirées en semaine'].documentId}`))).toEqual([
        'Bruno Petit',
      ]);
      expect(names(await search(`poles=${ref['Événements'].documentId}&city=lyon`))).toEqual(['Chloé Durand']);
      // age: Alice 30, Bruno 45, Chloé 19, David unknown (left out by an age criterion)
      expect(names(await search('ageMin=20&ageMax=45'))).toEqual(['Alice Martin', 'Bruno Petit']);
      expect(names(await search('ageMax=29'))).toEqual(['Chloé Durand']);
      expect(names(await search('search=mart'))).toEqual(['Alice Martin']);
      // members who are not volunteers only when asked
      expect(names(await search(`volunteersOnly=false&skills=${ref.Cuisine.documentId}&ageMin=30&ageMax=30`))).toEqual([
        'Emma Leroy',
        'Alice Martin',
      ]);

      const res = await search(`search=alice&mission=${mission.documentId}`);
      expect(res.body.meta).toEqual({ total: 1, shown: 1, hiddenFields: [] });
      expect(res.body.data[0]).toMatchObject({
        firstName: 'Alice',
        lastName: 'Martin',
        city: 'Lyon',
        age: 30,
        phone: '06 11 22 33 44',
        skills: ['Cuisine', 'Premiers secours'],
        availability: ['Week-ends'],
        poles: ['Solidarité'],
        registration: { status: 'attended', statusLabel: 'Présent·e' },
      });
    });

    it('exports the same search as a CSV for French spreadsheets', async () => {
      const res = await download(app, `/back-office/volunteers/export.csv?skills=${ref.Cuisine.documentId}`, manager);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const csv = parseCsv(res.body);
      expect(csv.bom).toBe(true);
      expect(csv.header).toEqual([
        'N° d’adhérent',
        'Nom',
        'Prénom',
        'Âge',
        'Ville',
        'Téléphone',
        'E-mail',
        'Compétences',
        'Disponibilités',
        'Pôles',
        'Bénévole',
      ]);
      expect(csv.rows.map((r) => [r['Nom'], r['Prénom'], r['Compétences'], r['Disponibilités'], r['Âge']])).toEqual([
        ['Bernard', 'David', 'Conduite, Cuisine, Premiers secours', 'Week-ends', ''],
        ['Martin', 'Alice', 'Cuisine, Premiers secours', 'Week-ends', '30'],
        ['Petit', 'Bruno', 'Cuisine', 'Week-ends, Soirées en semaine', '45'],
      ]);
    });

    it('refuses bad criteria in French naming them, and the roles that may not read members', async () => {
      const cases: Array<[string, string, RegExp]> = [
        ['ageMin=douze', 'ageMin', /^Âge minimum : « douze » n’est pas un âge valide/],
        ['ageMin=50&ageMax=20', 'ageMax', /^Âge maximum : doit être supérieur ou égal à l’âge minimum\.$/],
        ['skills=a;b', 'skills', /^Compétences : liste d’identifiants invalide\.$/],
        ['volunteersOnly=oui', 'volunteersOnly', /^Bénévoles seulement : attendu true ou false\.$/],
      ];
      for (const [query, field, message] of cases) {
        const res = await search(query);
        expect([query, res.status]).toEqual([query, 400]);
        expect(res.body.error.message).toMatch(message);
        expect(res.body.error.details.errors[0].path).toEqual([field]);
      }
      // an unknown skill (removed meanwhile) matches nobody
      expect((await search('skills=inconnu123')).body).toMatchObject({ data: [], meta: { total: 0 } });
      const communication = await loginAs(app, 'asso-communication');
      expect((await search('', communication)).status).toBe(403);
      expect((await download(app, '/back-office/volunteers/export.csv', communication)).status).toBe(403);
      // the treasurer reads members (not participations): the search, but not the registrations on a mission
      const treasurer = await loginAs(app, 'asso-treasurer');
      expect((await search('', treasurer)).status).toBe(200);
      expect((await search(`mission=${mission.documentId}`, treasurer)).status).toBe(403);
    });

    it('gives the form its lists', async () => {
      const res = await app.admin('get', '/back-office/volunteers/filters', manager);
      expect(res.body.data).toEqual({
        skills: ['Conduite', 'Cuisine', 'Premiers secours'].map((name) => ({ documentId: ref[name].documentId, name })),
        availability: ['Week-ends', 'Soirées en semaine'].map((name) => ({ documentId: ref[name].documentId, name })),
        poles: ['Événements', 'Solidarité'].map((name) => ({ documentId: ref[name].documentId, name })),
      });
    });
  });

  describe('the attendance sheet', () => {
    it('prints the people holding a place, their phone for the day and a column to sign, in the embedded font', async () => {
      // a visitor registered from the website, with the phone given for the day
      await app.strapi.db.query(MISSION).update({ where: { documentId: mission.documentId }, data: { capacity: 3 } });
      await docs(PARTICIPATION).create({
        data: {
          mission: mission.documentId,
          firstName: 'Victor',
          lastName: 'Zola',
          email: 'victor@exemple.org',
          phone: '07 00 00 00 01',
          source: 'website',
        },
      });
      const pdf = await downloadPdf(app, `/back-office/missions/${mission.documentId}/attendance-sheet.pdf`, manager);
      const text = flat(pdftotext(pdf, { layout: true }));
      expect(text).toContain('Feuille d’émargement');
      expect(text).toContain('Collecte de printemps');
      expect(text).toContain('Salle Paul Bert, 12 rue Paul Bert, 69003, Lyon');
      expect(text).toMatch(/N° Nom Prénom Téléphone Signature/);
      // by name: Durand (confirmed), Martin (present), Zola (confirmed); the waiting list and the cancelled are not on it
      expect(text).toMatch(/1 Durand Chloé 2 Martin Alice 06 11 22 33 44 3 Zola Victor 07 00 00 00 01 4 5 6 7 8/);
      expect(text).not.toMatch(/Bernard|Petit/);
      expect(text).toContain('3 personnes inscrites pour 3 places');
      expectEmbeddedFontsOnly(pdf);
      const res = await download(app, `/back-office/missions/${mission.documentId}/attendance-sheet.pdf`, manager);
      expect(res.headers['content-disposition']).toBe('attachment; filename="feuille-emargement-collecte-de-printemps.pdf"');
      expect(
        (await download(app, `/back-office/missions/${mission.documentId}/attendance-sheet.pdf`, await loginAs(app, 'asso-treasurer')))
          .status
      ).toBe(403);
    });
  });
});
