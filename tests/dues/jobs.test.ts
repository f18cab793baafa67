import { env } from '@strapi/utils';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import type { Json } from '../helpers/types';

/**
 * The parts around the reminders: without SMTP_HOST (development, demo) every mail is
 * written to the log with one clear line saying it was not sent; the daily and weekly jobs are
 * scheduled at 08:00 Europe/Paris, and CRON_ENABLED=false turns them off.
 */
describe(`mail without SMTP and scheduled jobs (${DB_CLIENT})`, () => {
  let app: TestApp;
  const logged: string[] = [];
  const dist = (file: string) => require(`${process.env.TEST_DIST_DIR}/${file}`);

  beforeAll(async () => {
    for (const name of ['SMTP_HOST', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASS']) delete process.env[name];
    app = await startStrapi();
    // keep what the server logs (and still log it)
    const info = app.strapi.log.info.bind(app.strapi.log);
    app.strapi.log.info = (message: unknown, ...rest: unknown[]) => {
      logged.push(String(message));
      return info(message, ...rest);
    };
    const docs = (uid: string) => app.strapi.documents(uid);
    await docs('api::association.association').create({ data: { name: 'Les Amis du Quartier' } });
    const type = await docs('api::membership-type.membership-type').create({
      data: { name: 'Annuelle', amount: 25, durationMonths: 12, reminderDays: [30] },
    });
    const member = await docs('api::member.member').create({
      data: { firstName: 'Alice', lastName: 'Martin', email: 'alice@membres.test' },
    });
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
  afterAll(() => app?.stop());

  it('writes each mail to the log, under one clear line saying it was not sent', async () => {
    logged.length = 0;
    const res = await app.admin('post', '/back-office/dues/reminders/run').send({ dryRun: false, today: '2030-03-01' });
    expect(res.status).toBe(200);
    expect(res.body.data.counts).toEqual({ sent: 1, failed: 0, withoutEmail: 0 });
    const mails = logged.filter((l) => l.startsWith('[e-mail]'));
    expect(mails).toHaveLength(1);
    const [first, ...text] = mails[0].split('\n');
    expect(first).toBe(
      "[e-mail] NON ENVOYÉ (SMTP_HOST n'est pas configuré), écrit ici à la place — à alice@membres.test, objet « Les Amis du Quartier : votre cotisation (échéance le 31/03/2030) »"
    );
    expect(text[0]).toBe('    Bonjour Alice,');
    expect(text.join('\n')).toContain('le montant est de 25,00 €');
    // written to the log, the reminder counts as sent: the next run does not repeat it
    const again = await app.admin('post', '/back-office/dues/reminders/run').send({ dryRun: false, today: '2030-03-01' });
    expect(again.body.data.counts.sent).toBe(0);
  });

  it('schedules the reminders every day and the digest every Monday at 08:00 Paris time', async () => {
    const tasks = dist('src/back-office/index').cronTasks(app.strapi);
    expect(tasks.duesReminders.options).toEqual({ rule: '0 8 * * *', tz: 'Europe/Paris' });
    expect(tasks.duesDigest.options).toEqual({ rule: '0 8 * * 1', tz: 'Europe/Paris' });
    // the test configuration turns the jobs off: none of them was scheduled at boot
    const names = () => app.strapi.cron.jobs.map((j: Json) => j.name);
    expect(names()).not.toContain('duesReminders');
    expect(names()).not.toContain('duesDigest');

    // scheduled as the server does when they are on: 08:00 in Paris, winter (UTC+1) and summer (UTC+2)
    app.strapi.cron.add({ duesReminders: tasks.duesReminders, duesDigest: tasks.duesDigest });
    try {
      const job = (name: string) => app.strapi.cron.jobs.find((j: Json) => j.name === name).job;
      const next = (name: string, after: string) => job(name).nextRun(new Date(after)).toISOString();
      expect(next('duesReminders', '2030-03-01T12:00:00Z')).toBe('2030-03-02T07:00:00.000Z');
      expect(next('duesReminders', '2030-07-01T05:00:00Z')).toBe('2030-07-01T06:00:00.000Z');
      expect(next('duesDigest', '2030-03-01T12:00:00Z')).toBe('2030-03-04T07:00:00.000Z'); // Friday → Monday
    } finally {
      app.strapi.cron.remove('duesReminders').remove('duesDigest');
    }
    expect(names()).not.toContain('duesReminders');
  });

  it('reads CRON_ENABLED: on by default, off with CRON_ENABLED=false', () => {
    const serverConfig = dist('config/server').default;
    const saved = process.env.CRON_ENABLED;
    try {
      delete process.env.CRON_ENABLED;
      expect(serverConfig({ env }).cron.enabled).toBe(true);
      process.env.CRON_ENABLED = 'false';
      expect(serverConfig({ env }).cron.enabled).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.CRON_ENABLED;
      else process.env.CRON_ENABLED = saved;
    }
  });
});
