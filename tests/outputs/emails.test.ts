import fs from 'fs';
import os from 'os';
import path from 'path';
import { DateTime } from 'luxon';
import type { ParsedMail } from 'mailparser';
import { startStrapi, TestApp, cm, DB_CLIENT, SUPER_ADMIN } from '../helpers/strapi';
import { startSmtp, TestSmtp } from '../helpers/smtp';
import { loginAs } from '../helpers/roles';
import type { Json, Saved } from '../helpers/types';

/**
 * Every kind of mail the back-office sends, received by a real SMTP server and parsed by mailparser:
 * an HTML part in the association's layout (name, logo, French, links as links, every value
 * escaped) and a readable plain-text part made from the same content; and the unsubscribe page,
 * which asks before anything changes.
 */
describe(`e-mails in the association's layout (${DB_CLIENT})`, () => {
  let app: TestApp;
  let smtp: TestSmtp;
  const docs = (uid: string) => app.strapi.documents(uid);
  const PUBLIC_URL = 'https://gestion.asso.test';
  // what HTML must escape, in the association's name, a mission's title and a person's name
  const ASSOCIATION = 'Les Amis <du> Quartier & « Co » "Lyon"';
  const ASSOCIATION_HTML = 'Les Amis &lt;du&gt; Quartier &amp; « Co » &quot;Lyon&quot;';
  const TITLE = 'Atelier <b> & co "vélo"';
  const TITLE_HTML = 'Atelier &lt;b&gt; &amp; co &quot;vélo&quot;';
  const NAME = 'Zoé & <Lou> "Lu"';
  const NAME_HTML = 'Zoé &amp; &lt;Lou&gt; &quot;Lu&quot;';
  const MISSION = 'api::mission.mission';
  const PARTICIPATION = 'api::participation.participation';
  const MEMBER = 'api::member.member';
  const SUBSCRIBER = 'api::subscriber.subscriber';

  let ip = 0;
  const register = (missionId: string, body: Json) =>
    app
      .http()
      .post(`/api/missions/${missionId}/registrations`)
      .set('X-Forwarded-For', `198.51.100.${++ip}`)
      .send({ consent: true, ...body });
  const until = async <T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false) => {
    for (let i = 0; i < 200; i++) {
      const v = await check();
      if (v) return v as T;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`attendu en vain : ${what}`);
  };
  const mailTo = (address: string, subject: string | RegExp) =>
    until(`e-mail « ${subject} » à ${address}`, () =>
      smtp.to(address).find((m) => (typeof subject === 'string' ? m.subject === subject : subject.test(m.subject ?? '')))
    );

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startStrapi({
      env: {
        ...smtp.env,
        PUBLIC_URL,
        IS_PROXIED: 'true',
        REGISTRATION_RATE_LIMIT_MAX: '100',
        SUBSCRIBE_RATE_PER_MINUTE: '100',
        NEWSLETTER_RATE_PER_MINUTE: '60000',
      },
    });
    // the logo, as the upload plugin records it (with its thumbnail)
    const logo = await app.strapi.db.query('plugin::upload.file').create({
      data: {
        name: 'logo.png',
        hash: 'logo_abc',
        ext: '.png',
        mime: 'image/png',
        size: 1.2,
        width: 400,
        height: 400,
        url: '/uploads/logo_abc.png',
        provider: 'local',
        formats: {
          thumbnail: {
            name: 'thumbnail_logo.png',
            hash: 'thumbnail_logo_abc',
            ext: '.png',
            mime: 'image/png',
            width: 156,
            height: 156,
            size: 0.5,
            url: '/uploads/thumbnail_logo_abc.png',
          },
        },
      },
    });
    await docs('api::association.association').create({
      data: {
        name: ASSOCIATION,
        address: '3 rue des Lilas',
        postalCode: '69001',
        city: 'Lyon',
        website: 'https://asso.test',
        logo: logo.id,
      },
    });
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  /** What every mail must be: HTML in the layout, and a text part that is text. */
  const inLayout = (mail: ParsedMail) => {
    const html = mail.html as string;
    const text = mail.text as string;
    expect(typeof html).toBe('string');
    expect(html.trim()).not.toBe(text.trim());
    expect(html).toMatch(/^<!DOCTYPE html/);
    expect(html).toMatch(/<html[^>]* lang="fr"/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(html).toMatch(/<p[ >]/);
    // the letterhead: the association's name (escaped) and its logo at an absolute address
    expect(html).toContain(ASSOCIATION_HTML);
    expect(html).not.toContain(ASSOCIATION);
    expect(html).toContain(`<img alt="${ASSOCIATION_HTML}" height="48" src="${PUBLIC_URL}/uploads/thumbnail_logo_abc.png"`);
    // its website, as a real link
    expect(html).toMatch(/<a href="https:\/\/asso\.test"[^>]*>https:\/\/asso\.test<\/a>/);
    // no mark-up and no entity in the text part
    expect(text).not.toMatch(/<(p|br|table|tr|td|div|span|img)[\s>/]|<a href|&(amp|lt|gt|quot|#x?[0-9a-f]+);/i);
    expect(text).not.toMatch(/\n{3,}/);
    return { html, text };
  };

  describe('mission registrations', () => {
    let full: Saved;
    beforeAll(async () => {
      full = await docs(MISSION).create({
        data: {
          title: TITLE,
          startAt: DateTime.fromISO('2030-06-15T09:30', { zone: 'Europe/Paris' }).toISO(),
          endAt: DateTime.fromISO('2030-06-15T12:00', { zone: 'Europe/Paris' }).toISO(),
          isPublic: true,
          publicRegistration: true,
          capacity: 1,
          location: { name: 'Salle <A> & B', city: 'Lyon' },
        },
      });
    });

    it('confirmation, waiting list and pending approval: the mission escaped in HTML, literal in the text', async () => {
      smtp.clear();
      // the website's answer is the same for everyone (202); the outcome goes by e-mail
      expect((await register(full.documentId, { firstName: 'Marie', lastName: 'Durand', email: 'marie@exemple.org' })).status).toBe(202);
      await mailTo('marie@exemple.org', `Inscription confirmée : ${TITLE}`);
      expect((await register(full.documentId, { firstName: 'Paul', lastName: 'Martin', email: 'paul@exemple.org' })).status).toBe(202);
      const approval = await docs(MISSION).create({
        data: {
          title: 'Tri & <recyclage>',
          startAt: '2030-07-01T08:00:00.000Z',
          isPublic: true,
          publicRegistration: true,
          registrationRequiresApproval: true,
        },
      });
      expect((await register(approval.documentId, { firstName: 'Léa', lastName: 'Roux', email: 'lea@exemple.org' })).status).toBe(202);

      const confirmed = await mailTo('marie@exemple.org', `Inscription confirmée : ${TITLE}`);
      const waitlisted = await mailTo('paul@exemple.org', `Inscription en liste d’attente : ${TITLE}`);
      const pending = await mailTo('lea@exemple.org', 'Demande d’inscription reçue : Tri & <recyclage>');
      for (const [mail, intro, title, titleHtml] of [
        [confirmed, 'Votre inscription est confirmée :', TITLE, TITLE_HTML],
        [waitlisted, 'vous êtes inscrit(e) sur la liste d’attente', TITLE, TITLE_HTML],
        [pending, 'Elle doit être validée par l’équipe', 'Tri & <recyclage>', 'Tri &amp; &lt;recyclage&gt;'],
      ] as const) {
        const { html, text } = inLayout(mail);
        expect(html).toContain(
          `<title>${mail.subject!.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</title>`
        );
        expect(html).toContain(`« ${titleHtml} »`);
        expect(html).not.toContain(title);
        expect(text).toMatch(/^Bonjour \S+,\n\n/);
        expect(text).toContain(intro);
        expect(text).toContain(`« ${title} »`);
        // the signature closes the text; the letterhead is not repeated in it
        expect(text.trimEnd().endsWith(`À bientôt,\n${ASSOCIATION}`)).toBe(true);
      }
      const { html, text } = inLayout(confirmed);
      expect(text).toContain('Date : samedi 15 juin 2030 à 09h30\nLieu : Salle <A> & B, Lyon');
      expect(html).toContain('Date : samedi 15 juin 2030 à 09h30<br/>Lieu : Salle &lt;A&gt; &amp; B, Lyon');
    });

    it('promotion from the waiting list, to a name with < & and quotes', async () => {
      const waiting = await docs(PARTICIPATION).create({
        data: { mission: full.documentId, firstName: NAME, lastName: 'Test', email: 'zoe@exemple.org' },
      });
      expect(waiting.status).toBe('waitlisted');
      const marie = await app.strapi.db.query(PARTICIPATION).findOne({ where: { email: 'marie@exemple.org' } });
      await app.admin('put', cm(PARTICIPATION, marie.documentId)).send({ status: 'cancelled' }).expect(200);
      // Paul came first: his place; Zoé stays on the list until the capacity grows
      await app.admin('put', cm(MISSION, full.documentId)).send({ capacity: 3 }).expect(200);
      const mail = await mailTo('zoe@exemple.org', `Une place s’est libérée : ${TITLE}`);
      const { html, text } = inLayout(mail);
      expect(html).toContain(`Bonjour ${NAME_HTML},`);
      expect(html).not.toContain(NAME);
      expect(text).toMatch(new RegExp(`^Bonjour ${NAME.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`));
      expect(text).toContain('Bonne nouvelle : une place s’est libérée');
    });
  });

  describe('subscription confirmation', () => {
    it('carries its confirmation link as a link in HTML and as an address in the text', async () => {
      smtp.clear();
      await app.http().post('/api/subscribers').send({ email: 'abonne@exemple.org', firstName: 'Noé' }).expect(202);
      const mail = await mailTo('abonne@exemple.org', /^Confirmez votre inscription/);
      expect(mail.subject).toBe(`Confirmez votre inscription à la lettre d’information de ${ASSOCIATION}`);
      const { html, text } = inLayout(mail);
      const url = /(https:\/\/gestion\.asso\.test\/api\/subscribers\/confirm\?token=\S+)/.exec(text)![1];
      expect(html).toContain(`<a href="${url.replace(/&/g, '&amp;')}"`);
      expect(text).toMatch(/^Bonjour Noé,/);
      expect(text).toContain(`Vous avez demandé à recevoir la lettre d’information de ${ASSOCIATION}.`);
      expect(html).toContain(`Vous avez demandé à recevoir la lettre d’information de ${ASSOCIATION_HTML}.`);
    });
  });

  describe('dues', () => {
    let member: Saved;
    beforeAll(async () => {
      const type = await docs('api::membership-type.membership-type').create({
        data: { name: 'Annuelle', amount: 25, durationMonths: 12, reminderDays: [30, 7] },
      });
      member = await docs(MEMBER).create({ data: { firstName: NAME, lastName: 'Martin', email: 'zoe.martin@exemple.org' } });
      await docs('api::contribution.contribution').create({
        data: {
          member: member.documentId,
          membershipType: type.documentId,
          amount: 25,
          paidAt: '2029-04-01',
          periodStart: '2029-04-01',
          periodEnd: '2030-03-31',
          paymentMethod: 'cheque',
        },
      });
    });
    const run = (today: string) => app.admin('post', '/back-office/dues/reminders/run').send({ dryRun: false, today });

    it('reminder from the default template: the name and the association escaped in HTML, the text as the template reads', async () => {
      smtp.clear();
      expect((await run('2030-03-01')).body.data.counts.sent).toBe(1);
      const mail = await mailTo('zoe.martin@exemple.org', `${ASSOCIATION} : votre cotisation (échéance le 31/03/2030)`);
      const { html, text } = inLayout(mail);
      expect(text).toMatch(new RegExp(`^Bonjour ${NAME.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},\n\nVotre cotisation à `));
      expect(text).toContain(`Votre cotisation à ${ASSOCIATION} couvre la période jusqu’au 31/03/2030.\nPour continuer`);
      expect(text).toContain('le montant est de 25,00 €');
      expect(html).toContain(`Bonjour ${NAME_HTML},`);
      expect(html).toContain(`Votre cotisation à ${ASSOCIATION_HTML} couvre la période jusqu’au 31/03/2030.<br/>Pour continuer`);
      expect(html).not.toContain(NAME);
    });

    it('reminder from an edited template: its variables, its paragraphs and its web address as a link', async () => {
      const association = await docs('api::association.association').findFirst();
      await docs('api::association.association').update({
        documentId: association.documentId,
        data: {
          reminderSubject: 'Rappel {{association}}',
          reminderTemplate:
            'Bonjour {{ firstName }} {{lastName}},\n\nRenouvelez en ligne : https://asso.test/adhesion?type=annuelle&x=1.\n{{inconnu}}',
        },
      });
      smtp.clear();
      expect((await run('2030-03-24')).body.data.counts.sent).toBe(1);
      const mail = await mailTo('zoe.martin@exemple.org', `Rappel ${ASSOCIATION}`);
      const { html, text } = inLayout(mail);
      expect(text.trim()).toBe(
        `Bonjour ${NAME} Martin,\n\nRenouvelez en ligne : https://asso.test/adhesion?type=annuelle&x=1.\n{{inconnu}}`
      );
      expect(html).toMatch(
        /Renouvelez en ligne : <a href="https:\/\/asso\.test\/adhesion\?type=annuelle&amp;x=1"[^>]*>https:\/\/asso\.test\/adhesion\?type=annuelle&amp;x=1<\/a>\.<br\/>\{\{inconnu\}\}/
      );
    });

    it('weekly digest: headings and lists in HTML, « - » lines in the text', async () => {
      const treasurer = await loginAs(app, 'asso-treasurer');
      smtp.clear();
      await app.admin('post', '/back-office/dues/digest/run', treasurer).send({ today: '2030-03-27' }).expect(200);
      const mail = await mailTo('asso-treasurer@test.local', 'Cotisations : le point de la semaine (27/03/2030)');
      const { html, text } = inLayout(mail);
      expect(html).toMatch(/<h2[^>]*>Relances envoyées du 21\/03\/2030 au 27\/03\/2030 \(1\)<\/h2>/);
      expect(html).toContain(
        `<li>Martin ${NAME_HTML} (n° ${member.memberNumber}) — échéance le 31/03/2030, relance 7 j avant l’échéance, le 24/03/2030</li>`
      );
      expect(text).toContain(
        `Relances envoyées du 21/03/2030 au 27/03/2030 (1)\n\n- Martin ${NAME} (n° ${member.memberNumber}) — échéance le 31/03/2030`
      );
      expect(text).toMatch(
        /Cotisations à renouveler \(1\)\n\n- Martin Zoé & <Lou> "Lu" \(n° \d+\) — à renouveler bientôt, payée jusqu’au 31\/03\/2030/
      );
    });
  });

  describe('backup failure', () => {
    it('puts the error message, escaped, in the mail to the super admins', async () => {
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-mail-'));
      // the backup folder is under a file whose name HTML would read as mark-up: the backup fails
      const blocker = path.join(work, 'fichier <b> & "x"');
      fs.writeFileSync(blocker, '');
      const before = process.env.BACKUP_DIR;
      process.env.BACKUP_DIR = path.join(blocker, 'sauvegardes');
      smtp.clear();
      try {
        const backups = require(path.join(process.env.TEST_DIST_DIR!, 'src/back-office/backups/index.js'));
        // the mail is sent, then the failure is thrown again (the job's run is recorded as failed)
        await expect(backups.scheduledBackup(app.strapi)).rejects.toThrow();
      } finally {
        process.env.BACKUP_DIR = before;
        fs.rmSync(work, { recursive: true, force: true });
      }
      const mail = await mailTo(SUPER_ADMIN.email, 'Échec de la sauvegarde automatique du back-office');
      const { html, text } = inLayout(mail);
      expect(text).toMatch(
        new RegExp(`^Bonjour ${SUPER_ADMIN.firstname},\n\nLa sauvegarde automatique du .* a échoué :\n\n.*fichier <b> & "x"`)
      );
      expect(text).toContain('Les sauvegardes précédentes sont conservées');
      expect(html).toContain('fichier &lt;b&gt; &amp; &quot;x&quot;');
      expect(html).not.toContain('fichier <b>');
    });
  });

  describe('newsletters and the unsubscribe page', () => {
    let newsletter: Saved;
    const unsubscribeLink = (text: string) => /Se désinscrire : (https:\/\/\S+)/.exec(text)![1].replace(PUBLIC_URL, '');
    const state = async (email: string) => ({
      optIn: (await app.strapi.db.query(MEMBER).findOne({ where: { email } })).newsletterOptIn,
      subscriber: (await app.strapi.db.query(SUBSCRIBER).findOne({ where: { email } }))?.status ?? null,
    });

    beforeAll(async () => {
      await docs(MEMBER).create({ data: { firstName: 'Inès', lastName: 'Lettre', email: 'ines@exemple.org', newsletterOptIn: true } });
      await docs(MEMBER).create({ data: { firstName: 'Hugo', lastName: 'Lettre', email: 'hugo@exemple.org', newsletterOptIn: true } });
      newsletter = await docs('api::newsletter.newsletter').create({
        data: {
          subject: 'Nouvelles de juin',
          audience: 'opted_in_members',
          body: [
            { type: 'heading', level: 2, children: [{ type: 'text', text: 'Atelier <b> & co' }] },
            {
              type: 'paragraph',
              children: [
                { type: 'text', text: 'Bonjour {{firstName}}, voici le ' },
                { type: 'link', url: 'https://asso.test/agenda', children: [{ type: 'text', text: 'programme' }] },
                { type: 'text', text: '.' },
              ],
            },
          ],
        },
      });
    });

    it('sends the rich text in the layout, with the unsubscribe link in both parts and the one-click headers', async () => {
      const preview = await app.admin('get', `/back-office/newsletters/${newsletter.documentId}/preview`).expect(200);
      expect(preview.body.html).toContain(ASSOCIATION_HTML);
      expect(preview.body.text).toContain('Atelier <b> & co');
      smtp.clear();
      await app.admin('post', `/back-office/newsletters/${newsletter.documentId}/send`).expect(202);
      const mail = await mailTo('ines@exemple.org', 'Nouvelles de juin');
      await mailTo('hugo@exemple.org', 'Nouvelles de juin');
      await until(
        'fin de l’envoi',
        async () =>
          (await app.strapi.db.query('api::newsletter.newsletter').findOne({ where: { documentId: newsletter.documentId } })).status ===
          'sent'
      );
      const { html, text } = inLayout(mail);
      expect(html).toContain('<h2>Atelier &lt;b&gt; &amp; co</h2>');
      expect(html).toContain('Bonjour Inès, voici le <a href="https://asso.test/agenda">programme</a>.');
      expect(text).toContain('Atelier <b> & co\n\nBonjour Inès, voici le programme (https://asso.test/agenda).');
      const link = unsubscribeLink(text);
      expect(link).toMatch(/^\/api\/subscribers\/unsubscribe\?token=/);
      expect(html).toMatch(new RegExp(`<a href="${(PUBLIC_URL + link).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>Se désinscrire</a>`));
      expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toContain(`<${PUBLIC_URL}${link}>`);
      expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toMatch(/List-Unsubscribe=One-Click/);
    });

    it('the link asks « Confirmez-vous la désinscription de … ? »: nothing changes before the button', async () => {
      const link = unsubscribeLink(smtp.to('ines@exemple.org')[0].text as string);
      const page = await app.http().get(link);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('Confirmez-vous la désinscription de <strong>ines@exemple.org</strong> ?');
      expect(page.text).toMatch(
        /<form method="post" action="\?token=[^"]+"><button type="submit"[^>]*>Confirmer la désinscription<\/button><\/form>/
      );
      // a mail scanner following the link, with any parameter, changes nothing
      for (const extra of ['', '&confirm=1', '&List-Unsubscribe=One-Click']) {
        expect((await app.http().get(link + extra)).status).toBe(200);
        expect((await app.http().head(link + extra)).status).toBe(200);
      }
      expect(await state('ines@exemple.org')).toEqual({ optIn: true, subscriber: null });

      // the button: the form posts to the same address
      const action = /action="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&');
      const done = await app.http().post(`/api/subscribers/unsubscribe${action}`).type('form').send('');
      expect(done.status).toBe(200);
      expect(done.text).toContain('ne recevra plus');
      expect(await state('ines@exemple.org')).toEqual({ optIn: false, subscriber: 'unsubscribed' });
    });

    it('the mail client one-click POST (RFC 8058) unsubscribes at once', async () => {
      const link = unsubscribeLink(smtp.to('hugo@exemple.org')[0].text as string);
      expect(await state('hugo@exemple.org')).toEqual({ optIn: true, subscriber: null });
      const done = await app.http().post(link).type('form').send('List-Unsubscribe=One-Click');
      expect(done.status).toBe(200);
      expect(await state('hugo@exemple.org')).toEqual({ optIn: false, subscriber: 'unsubscribed' });
    });
  });
});
