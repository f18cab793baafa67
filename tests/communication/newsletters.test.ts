import crypto from 'crypto';
import type { ParsedMail } from 'mailparser';
import type { Response } from 'supertest';
import path from 'path';
import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT, SUPER_ADMIN } from '../helpers/strapi';
import { startSmtp, TestSmtp, recipient } from '../helpers/smtp';
import { loginAs } from '../helpers/roles';
import type { Json, Saved } from '../helpers/types';

/**
 * Newsletters and website subscribers, with a real SMTP server: audiences, tokens,
 * one-click unsubscribe, resumable sending without duplicates, double opt-in.
 */
describe(`newsletters and subscribers (${DB_CLIENT})`, () => {
  let app: TestApp;
  let smtp: TestSmtp;
  const MEMBER = 'api::member.member';
  const NEWSLETTER = 'api::newsletter.newsletter';
  const SUBSCRIBER = 'api::subscriber.subscriber';
  const DELIVERY = 'api::newsletter-delivery.newsletter-delivery';
  const docs = (uid: string) => app.strapi.documents(uid);

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startStrapi({
      env: { ...smtp.env, NEWSLETTER_RATE_PER_MINUTE: '60000', NEWSLETTER_BATCH_SIZE: '2', SUBSCRIBE_RATE_PER_MINUTE: '6' },
    });
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  const until = async <T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false) => {
    for (let i = 0; i < 200; i++) {
      const v = await check();
      if (v) return v as T;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`attendu en vain : ${what}`);
  };

  const newsletter = (subject: string, audience: string, extra: Json = {}) =>
    docs(NEWSLETTER).create({
      data: {
        subject,
        audience,
        body: [
          { type: 'heading', level: 2, children: [{ type: 'text', text: 'Les nouvelles du mois' }] },
          { type: 'paragraph', children: [{ type: 'text', text: 'Bonjour {{firstName}} {{lastName}}, voici nos nouvelles <à suivre>.' }] },
          {
            type: 'paragraph',
            children: [
              { type: 'text', text: 'Ne plus recevoir : {{unsubscribeUrl}}' },
              { type: 'link', url: 'https://asso.test/agenda', children: [{ type: 'text', text: 'agenda' }] },
            ],
          },
        ],
        ...extra,
      },
    });

  /** Sends and waits until the background sending is over; returns the newsletter's state. */
  const send = async (documentId: string) => {
    const res = await app.admin('post', `/back-office/newsletters/${documentId}/send`);
    expect(res.status).toBe(202);
    return until('fin de l’envoi', async () => {
      const r = await app.admin('get', `/back-office/newsletters/${documentId}/recipients`);
      return r.body.status !== 'sending' && r.body;
    });
  };

  const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
  const unsubscribeLink = (text: string) => pathOf(/Se désinscrire : (\S+)/.exec(text)![1]);
  const header = (mail: ParsedMail, name: string) => mail.headerLines.find((h) => h.key === name)?.line;

  describe('newsletters', () => {
    beforeAll(async () => {
      const m = (firstName: string, lastName: string, email: string | null, extra: Json = {}) =>
        docs(MEMBER).create({ data: { firstName, lastName, email, newsletterOptIn: true, ...extra } });
      await m('Alice', 'Martin', 'alice@exemple.org', { isVolunteer: true });
      await m('Bruno', 'Petit', 'Bruno.Petit@Exemple.org');
      await m('Chloé', 'Durand', 'chloe@exemple.org');
      await m('David', 'Roux', 'david@exemple.org', { isVolunteer: true });
      await m('Sans', 'Adresse', null);
      await m('Carole', 'Non', 'carole@exemple.org', { newsletterOptIn: false });
      await m('Eve', 'Partie', 'eve@exemple.org');
      // Eve left the list earlier: no audience may reach her.
      await docs(SUBSCRIBER).create({ data: { email: 'eve@exemple.org', status: 'unsubscribed' } });
    });

    it('counts, previews and test-sends to oneself before sending', async () => {
      const n = await newsletter('Lettre de novembre', 'opted_in_members');
      const count = await app.admin('get', `/back-office/newsletters/${n.documentId}/recipients`);
      expect(count.status).toBe(200);
      expect(count.body).toMatchObject({ status: 'draft', audienceCount: 4 });

      const preview = await app.admin('get', `/back-office/newsletters/${n.documentId}/preview`);
      expect(preview.body.html).toContain(
        `Bonjour ${SUPER_ADMIN.firstname} ${SUPER_ADMIN.lastname}, voici nos nouvelles &lt;à suivre&gt;.`
      );
      expect(preview.body.html).toContain('<h2>Les nouvelles du mois</h2>');
      expect(preview.body.text).toContain('Les nouvelles du mois');

      smtp.clear();
      const test = await app.admin('post', `/back-office/newsletters/${n.documentId}/test`);
      expect(test.status).toBe(200);
      await until('envoi de test', () => smtp.to(SUPER_ADMIN.email).length === 1);
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0].subject).toBe('[TEST] Lettre de novembre');
      // a test send is not the send
      expect(await app.strapi.db.query(DELIVERY).count()).toBe(0);
      expect((await app.strapi.db.query(NEWSLETTER).findOne({ where: { documentId: n.documentId } })).status).toBe('draft');
    });

    it('reaches exactly its audience once, with tokens replaced and the unsubscribe headers, and resumes after an SMTP failure without duplicates', async () => {
      const n = await newsletter('Lettre de décembre', 'opted_in_members');
      smtp.clear();
      smtp.failNext(2); // the SMTP server refuses the first two mails (temporary failure)
      const first = await send(n.documentId);
      expect(first).toMatchObject({ status: 'failed', recipientsCount: 4, sentCount: 2, failedCount: 2 });
      expect(smtp.messages).toHaveLength(2);

      const second = await send(n.documentId); // resuming = sending again
      expect(second).toMatchObject({ status: 'sent', recipientsCount: 4, sentCount: 4, failedCount: 0 });
      const addresses = smtp.messages.map(recipient).sort();
      expect(addresses).toEqual(['alice@exemple.org', 'bruno.petit@exemple.org', 'chloe@exemple.org', 'david@exemple.org']);

      const [bruno] = smtp.to('bruno.petit@exemple.org');
      expect(bruno.subject).toBe('Lettre de décembre');
      expect(bruno.text).toContain('Bonjour Bruno Petit, voici nos nouvelles <à suivre>.');
      expect(bruno.text).not.toContain('{{');
      expect(bruno.html).not.toContain('{{');
      const link = unsubscribeLink(bruno.text as string);
      expect(link).toMatch(/^\/api\/subscribers\/unsubscribe\?token=/);
      expect(bruno.html).toContain(`<a href="http://localhost:${app.strapi.config.get('server.port')}${link.replace(/&/g, '&amp;')}">`);
      expect(header(bruno, 'list-unsubscribe')).toContain(link.replace(/&/g, '&'));
      expect(header(bruno, 'list-unsubscribe-post')).toMatch(/List-Unsubscribe=One-Click/);

      // saving the form in the admin with the values it loaded before the send changes neither status nor counts
      const saved = await app
        .admin('put', `/content-manager/collection-types/${NEWSLETTER}/${n.documentId}`)
        .send({ subject: 'Lettre de décembre', status: 'draft', recipientsCount: 0, sentCount: 0, failedCount: 0, sentAt: null });
      expect(saved.status).toBe(200);
      expect(saved.body.data).toMatchObject({ status: 'sent', recipientsCount: 4, sentCount: 4 });
      expect(await app.strapi.db.query(NEWSLETTER).findOne({ where: { documentId: n.documentId } })).toMatchObject({
        status: 'sent',
        recipientsCount: 4,
        sentCount: 4,
      });

      // sending a sent newsletter again sends nothing
      const again = await app.admin('post', `/back-office/newsletters/${n.documentId}/send`);
      expect(again.status).toBe(400);
      expect(again.body.error.message).toMatch(/déjà été envoyée/);
      expect(smtp.messages).toHaveLength(4);
    });

    it('stops on an SMTP outage, and a restart never re-sends a mail that may have left', async () => {
      const n = await newsletter('Lettre de janvier', 'opted_in_members');
      smtp.clear();
      smtp.setDown(true);
      const down = await send(n.documentId);
      expect(down).toMatchObject({ status: 'failed', recipientsCount: 4, sentCount: 0, failedCount: 3 });
      smtp.setDown(false);
      // As if the server had stopped while handing Chloé's mail to the SMTP server.
      const chloe = await app.strapi.db
        .query(DELIVERY)
        .findOne({ where: { email: 'chloe@exemple.org', newsletter: { documentId: n.documentId } } });
      await app.strapi.db.query(DELIVERY).update({ where: { id: chloe.id }, data: { status: 'pending', attemptedAt: new Date() } });
      const resumed = await send(n.documentId);
      expect(resumed).toMatchObject({ status: 'failed', recipientsCount: 4, sentCount: 3, failedCount: 1 });
      expect(smtp.to('chloe@exemple.org')).toHaveLength(0);
      expect(smtp.messages).toHaveLength(3);
      const record = await app.strapi.db.query(DELIVERY).findOne({ where: { id: chloe.id } });
      expect(record).toMatchObject({ status: 'failed' });
      expect(record.error).toMatch(/non renvoyé/);
    });

    it('one-click unsubscribe (GET asks, POST unsubscribes) is honoured by every later send', async () => {
      const [alice] = smtp.to('alice@exemple.org');
      const link = unsubscribeLink(alice.text as string);
      const page = await app.http().get(link);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Confirmer la désinscription');
      expect((await app.strapi.db.query(MEMBER).findOne({ where: { email: 'alice@exemple.org' } })).newsletterOptIn).toBe(true);

      const forged = await app.http().post(link.replace(/.{4}$/, 'AAAA')).type('form').send('List-Unsubscribe=One-Click');
      expect(forged.status).toBe(400);
      const done = await app.http().post(link).type('form').send('List-Unsubscribe=One-Click');
      expect(done.status).toBe(200);
      expect(done.text).toContain('ne recevra plus');
      expect((await app.strapi.db.query(MEMBER).findOne({ where: { email: 'alice@exemple.org' } })).newsletterOptIn).toBe(false);

      // Alice and David are volunteers: the volunteers audience ignores the opt-in, not the unsubscribe.
      const n = await newsletter('Bénévoles : planning', 'volunteers');
      smtp.clear();
      expect(await send(n.documentId)).toMatchObject({ status: 'sent', recipientsCount: 1, sentCount: 1 });
      expect(smtp.messages.map(recipient)).toEqual(['david@exemple.org']);
    });

    it('reaches the members up to date with their dues, and the members of a pole, each once, never an unsubscribed address', async () => {
      const today = DateTime.now().setZone('Europe/Paris').startOf('day');
      const type = await docs('api::membership-type.membership-type').create({
        data: { name: 'Annuelle', amount: 20, durationMonths: 12 },
      });
      const pay = (member: Saved, paidUntil: DateTime) => {
        const start = paidUntil.minus({ years: 1 }).plus({ days: 1 }).toISODate();
        return docs('api::contribution.contribution').create({
          data: {
            member: member.documentId,
            membershipType: type.documentId,
            amount: 20,
            paidAt: start,
            periodStart: start,
            periodEnd: paidUntil.toISODate(),
            paymentMethod: 'cheque',
          },
        });
      };
      const member = (email: string) => app.strapi.db.query(MEMBER).findOne({ where: { email } });
      const pole = await docs('api::pole.pole').create({ data: { name: 'Animation' } });
      const joins = async (firstName: string, lastName: string, email: string | null, extra: Json = {}) =>
        docs(MEMBER).create({ data: { firstName, lastName, email, newsletterOptIn: false, poles: [pole.documentId], ...extra } });

      await pay(await member('chloe@exemple.org'), today.plus({ months: 6 })); // up to date
      await pay(await member('carole@exemple.org'), today.plus({ days: 10 })); // to renew soon, still covered today
      await pay(await member('bruno.petit@exemple.org'), today.minus({ days: 40 })); // expired
      await pay(await member('eve@exemple.org'), today.plus({ months: 6 })); // up to date, but unsubscribed
      const francis = await joins('Francis', 'Pôle', 'francis@exemple.org');
      await joins('Gina', 'SansMail', null);
      await pay(francis, today.minus({ days: 1 })); // in the grace period: not up to date
      await docs(MEMBER).update({ documentId: (await member('eve@exemple.org')).documentId, data: { poles: [pole.documentId] } });
      await docs(MEMBER).update({ documentId: (await member('david@exemple.org')).documentId, data: { poles: [pole.documentId] } });

      const upToDate = await newsletter('Convocation à l’AG', 'members_up_to_date');
      expect((await app.admin('get', `/back-office/newsletters/${upToDate.documentId}/recipients`)).body.audienceCount).toBe(2);
      smtp.clear();
      expect(await send(upToDate.documentId)).toMatchObject({ status: 'sent', recipientsCount: 2, sentCount: 2 });
      expect(smtp.messages.map(recipient).sort()).toEqual(['carole@exemple.org', 'chloe@exemple.org']);

      const byPole = await newsletter('Pôle animation : réunion', 'pole', { pole: pole.documentId });
      expect((await app.admin('get', `/back-office/newsletters/${byPole.documentId}/recipients`)).body.audienceCount).toBe(2);
      smtp.clear();
      expect(await send(byPole.documentId)).toMatchObject({ status: 'sent', recipientsCount: 2, sentCount: 2 });
      expect(smtp.messages.map(recipient).sort()).toEqual(['david@exemple.org', 'francis@exemple.org']);
    });

    it('lets only the communication officer (RBAC action) count, preview, test and send', async () => {
      const n = await newsletter('Réservé à la communication', 'volunteers');
      const secretary = await loginAs(app, 'asso-secretary');
      for (const [method, suffix] of [
        ['get', 'recipients'],
        ['get', 'preview'],
        ['post', 'test'],
        ['post', 'send'],
      ] as const) {
        expect([suffix, (await app.admin(method, `/back-office/newsletters/${n.documentId}/${suffix}`, secretary)).status]).toEqual([
          suffix,
          403,
        ]);
        expect([suffix, (await app.http()[method](`/back-office/newsletters/${n.documentId}/${suffix}`)).status]).toEqual([suffix, 401]);
      }
      expect(await app.strapi.db.query(DELIVERY).count({ where: { newsletter: { documentId: n.documentId } } })).toBe(0);

      const officer = await loginAs(app, 'asso-communication');
      smtp.clear();
      expect((await app.admin('post', `/back-office/newsletters/${n.documentId}/test`, officer)).status).toBe(200);
      await until('envoi de test', () => smtp.to('asso-communication@test.local').length === 1);
      expect((await app.admin('post', `/back-office/newsletters/${n.documentId}/send`, officer)).status).toBe(202);
      await until(
        'fin de l’envoi',
        async () => (await app.strapi.db.query(NEWSLETTER).findOne({ where: { documentId: n.documentId } })).status === 'sent'
      );
      expect(smtp.to('david@exemple.org')).toHaveLength(1);
    });

    it('resumes at boot a send interrupted by a crash, where it stopped, without sending anyone twice', async () => {
      const n = await newsletter('Lettre de février', 'opted_in_members');
      const row = await app.strapi.db.query(NEWSLETTER).findOne({ where: { documentId: n.documentId } });
      // The state a crash leaves: "sending", Bruno served, Chloé's record prepared but not tried, the others not prepared yet.
      const delivery = (email: string, firstName: string, data: Json) =>
        app.strapi.db
          .query(DELIVERY)
          .create({ data: { newsletter: row.id, deliveryKey: `${row.id}:${email}`, email, firstName, ...data } });
      await delivery('bruno.petit@exemple.org', 'Bruno', { status: 'sent', attemptedAt: new Date(), sentAt: new Date(), attempts: 1 });
      await delivery('chloe@exemple.org', 'Chloé', { status: 'pending' });
      await app.strapi.db.query(NEWSLETTER).update({ where: { id: row.id }, data: { status: 'sending' } });
      smtp.clear();

      // what the server runs at boot (src/back-office/newsletters: bootstrap), from the same build
      const dist = (file: string) => require(path.join(process.env.TEST_DIST_DIR!, 'src/back-office/newsletters', file));
      await dist('index.js').default.bootstrap(app.strapi);
      await dist('sending.js').sendingFinished(n.documentId);

      const state = (await app.admin('get', `/back-office/newsletters/${n.documentId}/recipients`)).body;
      expect(state).toMatchObject({ status: 'sent', recipientsCount: 3, sentCount: 3, failedCount: 0 });
      // Alice unsubscribed and Eve is suppressed: Bruno already had it, so only Chloé and David get it now
      expect(smtp.messages.map(recipient).sort()).toEqual(['chloe@exemple.org', 'david@exemple.org']);
    });

    it('refuses a pole newsletter without a pole, in French, naming the field', async () => {
      const n = await newsletter('Pôle animation', 'pole');
      const res = await app.admin('post', `/back-office/newsletters/${n.documentId}/send`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/pôle destinataire/);
      expect((await app.strapi.db.query(NEWSLETTER).findOne({ where: { documentId: n.documentId } })).status).toBe('draft');
    });

    describe('two sends of the same newsletter at the same moment', () => {
      const ADDRESSES = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'].map((h) => `${h}@double.test`);
      let pole: Saved;
      beforeAll(async () => {
        // a pole of their own (not opted in, not volunteers): the other audiences stay as they are
        pole = await docs('api::pole.pole').create({ data: { name: 'Double envoi' } });
        for (const [i, email] of ADDRESSES.entries()) {
          await docs(MEMBER).create({
            data: { firstName: `Hugo${i}`, lastName: 'Double', email, newsletterOptIn: false, poles: [pole.documentId] },
          });
        }
      });

      /** Each address of the pole got exactly one mail of this subject, and the newsletter says so. */
      const servedOnce = async (documentId: string, subject: string) => {
        await until(
          'fin de l’envoi',
          async () => (await app.strapi.db.query(NEWSLETTER).findOne({ where: { documentId } })).status === 'sent'
        );
        const got = smtp.messages
          .filter((m) => m.subject === subject)
          .map(recipient)
          .sort();
        expect(got).toEqual(ADDRESSES);
        expect(await app.strapi.db.query(NEWSLETTER).findOne({ where: { documentId } })).toMatchObject({
          recipientsCount: 7,
          sentCount: 7,
          failedCount: 0,
        });
        expect(await app.strapi.db.query(DELIVERY).count({ where: { newsletter: { documentId }, status: 'sent' } })).toBe(7);
      };

      // the sending module the server runs, from the same build
      const sendingModule = () => require(path.join(process.env.TEST_DIST_DIR!, 'src/back-office/newsletters/sending.js'));

      it('two "Envoyer" clicks at the same moment: one run, each recipient gets the newsletter once', async () => {
        const n = await newsletter('Lettre envoyée deux fois', 'pole', { pole: pole.documentId });
        smtp.clear();
        // what the route handler does for two clicks that reach it in the same instant
        const sending = sendingModule();
        const answers = await Promise.all([1, 2].map(() => sending.startSending(app.strapi, n.documentId)));
        expect(answers.map((a: Json) => a.documentId)).toEqual([n.documentId, n.documentId]);
        await sending.sendingFinished(n.documentId);
        await servedOnce(n.documentId, 'Lettre envoyée deux fois');
        // and over HTTP, a click while it is being sent answers 202 and sends nothing more
        const other = await newsletter('Lettre cliquée deux fois', 'pole', { pole: pole.documentId });
        const clicks = await Promise.all([1, 2].map(() => app.admin('post', `/back-office/newsletters/${other.documentId}/send`)));
        expect(clicks[0].status).toBe(202);
        // the second click gets the same run (or, if it is already over, « déjà envoyée »)
        expect(clicks[1].status === 202 || /déjà été envoyée/.test(clicks[1].body?.error?.message)).toBe(true);
        await servedOnce(other.documentId, 'Lettre cliquée deux fois');
      });

      it('two server processes sending it at once: each delivery is claimed by one of them only', async () => {
        const n = await newsletter('Lettre de deux serveurs', 'pole', { pole: pole.documentId });
        smtp.clear();
        // two separate copies of the sending module (each with its own memory of runs), as in two processes
        const processes: Array<typeof import('../../src/back-office/newsletters/sending')> = [];
        for (let i = 0; i < 2; i++) jest.isolateModules(() => processes.push(sendingModule()));
        expect(processes[0].startSending).not.toBe(processes[1].startSending);
        await Promise.all(processes.map((p) => p.startSending(app.strapi, n.documentId)));
        await Promise.all(processes.map((p) => p.sendingFinished(n.documentId)));
        await servedOnce(n.documentId, 'Lettre de deux serveurs');
      });
    });
  });

  describe('website subscribers', () => {
    const subscribe = (body: Json) => app.http().post('/api/subscribers').send(body);
    const confirmLink = (address: string) =>
      pathOf(/(https?:\/\/\S+\/api\/subscribers\/confirm\?token=\S+)/.exec(smtp.to(address)[0].text as string)![1]);

    it('double opt-in: same answer for a new or known address, confirmation link, unsubscribe link; core routes closed', async () => {
      smtp.clear();
      const first = await subscribe({ email: ' Zoe@Exemple.org ', firstName: 'Zoé' });
      expect(first.status).toBe(202);
      await until('e-mail de confirmation', () => smtp.to('zoe@exemple.org').length === 1);
      const zoe = () => app.strapi.db.query(SUBSCRIBER).findOne({ where: { email: 'zoe@exemple.org' } });
      expect((await zoe()).status).toBe('pending');
      // a member's address: nothing tells it apart
      const known = await subscribe({ email: 'bruno.petit@exemple.org' });
      expect(known.status).toBe(202);
      expect(known.body).toEqual(first.body);

      const bad = await subscribe({ email: 'pas-une-adresse' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^E-mail : /);

      const confirm = await app.http().get(confirmLink('zoe@exemple.org'));
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain('Inscription confirmée');
      expect((await zoe()).status).toBe('confirmed');
      expect((await app.http().get('/api/subscribers/confirm?token=faux.jeton')).status).toBe(400);

      // confirmed: the same answer again, and no new mail
      const again = await subscribe({ email: 'zoe@exemple.org' });
      expect(again.body).toEqual(first.body);

      const n = await newsletter('Pour nos abonnés', 'subscribers');
      smtp.clear();
      expect(await send(n.documentId)).toMatchObject({ status: 'sent', recipientsCount: 1 });
      const [mail] = smtp.to('zoe@exemple.org');
      expect(mail.text).toContain('Bonjour Zoé');
      const done = await app.http().post(unsubscribeLink(mail.text as string));
      expect(done.status).toBe(200);
      expect((await zoe()).status).toBe('unsubscribed');

      // the content API does not list subscribers, even for a visitor who tries
      for (const url of ['/api/subscribers', `/api/subscribers/${(await zoe()).documentId}`]) {
        expect([403, 404]).toContain((await app.http().get(url)).status);
      }
      expect([403, 404, 405]).toContain((await app.http().delete(`/api/subscribers/${(await zoe()).documentId}`)).status);
    });

    it('rate-limits subscription requests per address (429, French)', async () => {
      smtp.clear();
      let res: Response;
      let accepted = 0;
      for (let i = 0; i < 8; i++) {
        res = await subscribe({ email: `robot${i}@exemple.org` });
        if (res.status === 429) break;
        accepted += 1;
      }
      expect(res.status).toBe(429);
      expect(res.body.error.message).toMatch(/Trop de demandes/);
      // the refused request sent nothing; the accepted ones got their confirmation
      await until('confirmations', () => smtp.messages.length === accepted);
      expect(smtp.to(`robot${accepted}@exemple.org`)).toHaveLength(0);
    });
  });

  describe('signed links and APP_KEYS rotation', () => {
    const keys = () => app.strapi.config.get('server.app.keys') as string[];
    let original: string[];
    beforeAll(() => {
      original = keys();
    });
    afterAll(() => app.strapi.config.set('server.app.keys', original));

    /** A token as the link carries it, signed with the given HMAC key (the links' format). */
    const tokenSignedWith = (key: string, email: string) => {
      const payload = `unsubscribe|${email}`;
      return `${Buffer.from(payload).toString('base64url')}.${crypto.createHmac('sha256', key).update(payload).digest('base64url')}`;
    };
    const linkOf = (token: string) => `/api/subscribers/unsubscribe?token=${encodeURIComponent(token)}`;
    const valid = async (link: string) => {
      const page = await app.http().get(link);
      return page.status === 200 && page.text.includes('Confirmer la désinscription');
    };
    const testSendLink = async (subject: string) => {
      const n = await newsletter(subject, 'volunteers');
      smtp.clear();
      expect((await app.admin('post', `/back-office/newsletters/${n.documentId}/test`)).status).toBe(200);
      await until('envoi de test', () => smtp.to(SUPER_ADMIN.email).length === 1);
      return unsubscribeLink(smtp.to(SUPER_ADMIN.email)[0].text as string);
    };

    it('keeps every link already sent working when a new key is put in front of APP_KEYS, and refuses other keys', async () => {
      expect(original).toEqual(['testKeyA', 'testKeyB']); // config/env/test/server.ts
      const sent = await testSendLink('Avant le changement de clés');
      // a link of an earlier version, signed with the keys joined by ':'
      const older = linkOf(tokenSignedWith(original.join(':'), 'ancien@exemple.org'));
      expect(await valid(sent)).toBe(true);
      expect(await valid(older)).toBe(true);

      app.strapi.config.set('server.app.keys', ['testKeyNouvelle', ...original]);
      expect(await valid(sent)).toBe(true);
      expect(await valid(older)).toBe(true);
      expect(await valid(linkOf(tokenSignedWith('uneAutreCle', 'ancien@exemple.org')))).toBe(false);
      // new links are signed with the new key
      const fresh = await testSendLink('Après le changement de clés');
      expect(fresh).not.toBe(sent);
      expect(fresh).toBe(linkOf(tokenSignedWith('testKeyNouvelle', SUPER_ADMIN.email)));
      const done = await app.http().post(sent).type('form').send('List-Unsubscribe=One-Click');
      expect(done.status).toBe(200);
      expect(done.text).toContain('ne recevra plus');

      // once the old keys are removed, only the links signed with the remaining key work
      app.strapi.config.set('server.app.keys', ['testKeyNouvelle']);
      expect(await valid(fresh)).toBe(true);
      expect(await valid(sent)).toBe(false);
      expect(await valid(older)).toBe(false);
    });
  });
});
