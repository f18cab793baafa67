import type { Response } from 'supertest';
import { startStrapi, TestApp, cm, DB_CLIENT } from '../helpers/strapi';
import { loginAs, BUREAU_ROLES, RoleCode } from '../helpers/roles';
import type { Json } from '../helpers/types';

/**
 * Every bureau role × content type × action, through the content-manager routes
 * the admin panel calls, is allowed exactly as the table says (copied here as the
 * specification, independent of src/back-office/access/roles.ts); confidential documents; the
 * back-office and media-library rights. One Strapi for the whole matrix.
 */

//                                 treasurer secretary volunteer communication partnerships
const TABLE: Record<string, string[]> = {
  'api::member.member': ['CRU', 'CRU', 'CRUD', '', ''],
  'api::membership-type.membership-type': ['CRUD', 'R', 'R', '', ''],
  'api::contribution.contribution': ['CRUD', 'R', 'R', '', ''],
  'api::mission.mission': ['R', 'R', 'CRUD', 'R', 'R'],
  'api::participation.participation': ['', 'R', 'CRUD', '', ''],
  'api::partner.partner': ['R', 'R', 'R', 'R', 'CRUD'],
  'api::subsidy.subsidy': ['CRUD', 'R', '', '', 'CRUD'],
  'api::donor.donor': ['CRUD', '', '', '', 'CRUD'],
  'api::donation.donation': ['CRUD', '', '', '', 'CRUD'],
  'api::article.article': ['', 'R', '', 'CRUDP', ''],
  'api::newsletter.newsletter': ['', '', '', 'CRUD', ''],
  'api::subscriber.subscriber': ['', '', '', 'CRUD', ''],
  'api::document.document': ['R', 'CRUD', 'R', 'R', 'R'],
  'api::pole.pole': ['R', 'R', 'CRUD', 'R', 'R'],
  'api::skill.skill': ['R', 'R', 'CRUD', 'R', 'R'],
  // the books: the treasurer keeps them (the president, super admin, reads and closes)
  'api::cash-account.cash-account': ['CRUD', '', '', '', ''],
  'api::ledger-category.ledger-category': ['CRUD', '', '', '', ''],
  'api::ledger-entry.ledger-entry': ['CRUD', '', '', '', ''],
  // expense claims: entered by the treasurer or the volunteer manager (tests/books/expense-claims.test.ts)
  'api::expense-claim.expense-claim': ['CRUD', '', 'CRUD', '', ''],
};
const ASSOCIATION = 'api::association.association';

const BO = 'api::back-office.';
const BACK_OFFICE: Record<string, string[]> = {
  'asso-treasurer': [
    'dues.read',
    'dues.remind',
    'exports.read',
    'reports.read',
    'stats.read',
    'calendar.read',
    'receipts.generate',
    'receipts.cancel',
    'receipts.send',
    'imports.contributions',
    'imports.donors',
    'imports.donations',
    'helloasso.manage',
  ],
  'asso-secretary': ['dues.read', 'exports.read', 'stats.read', 'calendar.read', 'imports.members'],
  'asso-volunteer-manager': ['dues.read', 'exports.read', 'stats.read', 'calendar.read', 'calendar.feed', 'missions.message'],
  'asso-communication': ['exports.read', 'stats.read', 'calendar.read', 'newsletters.send'],
  'asso-partnerships': ['exports.read', 'reports.read', 'stats.read', 'calendar.read'],
};
BACK_OFFICE['asso-treasurer'].push(
  'books.read',
  'books.close',
  'expense-claims.manage',
  'books.reconcile',
  'books.reports',
  'books.subsidy-reports'
);
BACK_OFFICE['asso-partnerships'].push('books.subsidy-reports');

describe(`admin roles and rights (${DB_CLIENT})`, () => {
  let app: TestApp;
  let n = 0;
  const ids: Record<string, string> = {};
  const docs = (uid: string) => app.strapi.documents(uid);
  const link = (documentId: string) => ({ connect: [{ documentId }] });

  /** Valid data for a new record of each content type (unique values each call). */
  const sample = (uid: string): Json => {
    n += 1;
    const samples: Record<string, Json> = {
      'api::member.member': { firstName: 'Léa', lastName: `Membre${n}` },
      'api::membership-type.membership-type': { name: `Adhésion ${n}`, amount: 20 },
      'api::contribution.contribution': { member: link(ids.member), amount: 20, paidAt: '2026-01-15', paymentMethod: 'cash' },
      'api::mission.mission': { title: `Mission ${n}`, kind: 'mission', startAt: '2026-06-01T08:00:00.000Z' },
      'api::participation.participation': {
        mission: link(ids.mission),
        lastName: `Invité${n}`,
        email: `invite${n}@example.org`,
        source: 'backoffice',
      },
      'api::partner.partner': { name: `Partenaire ${n}`, kind: 'company' },
      'api::subsidy.subsidy': { title: `Subvention ${n}`, funder: link(ids.partner) },
      'api::donor.donor': { kind: 'individual', lastName: `Donateur${n}` },
      'api::donation.donation': { donor: link(ids.donor), amount: 50, receivedAt: '2026-02-01', method: 'cheque', nature: 'cash' },
      'api::article.article': { title: `Article ${n}` },
      'api::newsletter.newsletter': { subject: `Lettre ${n}`, audience: 'subscribers' },
      'api::subscriber.subscriber': { email: `abonne${n}@example.org` },
      'api::document.document': { title: `Document ${n}`, category: 'minutes', confidential: false },
      'api::pole.pole': { name: `Pôle ${n}` },
      'api::skill.skill': { name: `Compétence ${n}` },
      'api::cash-account.cash-account': { name: `Compte ${n}`, kind: 'bank' },
      'api::ledger-category.ledger-category': { number: `${800000 + n}`, name: `Catégorie ${n}`, kind: 'expense' },
      'api::ledger-entry.ledger-entry': {
        date: '2026-03-01',
        label: `Achat ${n}`,
        amount: 12.5,
        direction: 'expense',
        category: link(ids.category),
        cashAccount: link(ids.cashAccount),
      },
      'api::expense-claim.expense-claim': { member: link(ids.member), purpose: `Frais ${n}` },
    };
    return samples[uid];
  };
  /** The same data for the Document Service (relations as documentIds). */
  const serviceData = (data: Json) =>
    Object.fromEntries(
      Object.entries(data).map(([k, v]) => [
        k,
        (v as Partial<ReturnType<typeof link>>)?.connect ? (v as ReturnType<typeof link>).connect[0].documentId : v,
      ])
    );
  const createDoc = async (uid: string, extra: Json = {}) =>
    (await docs(uid).create({ data: { ...serviceData(sample(uid)), ...extra } })).documentId as string;

  beforeAll(async () => {
    app = await startStrapi();
    ids.member = await createDoc('api::member.member');
    ids.mission = await createDoc('api::mission.mission');
    ids.partner = await createDoc('api::partner.partner');
    ids.donor = await createDoc('api::donor.donor');
    ids.category = await createDoc('api::ledger-category.ledger-category');
    ids.cashAccount = await createDoc('api::cash-account.cash-account');
    if (!(await docs(ASSOCIATION).findFirst())) await docs(ASSOCIATION).create({ data: { name: 'Association test' } });
  }, 300_000); // a boot can be slow on a busy machine
  afterAll(() => app?.stop());

  const code = (res: Response) => res.status;
  const ok = (status: number) => status >= 200 && status < 300;

  it.each(BUREAU_ROLES.map((r, i) => [r, i] as [RoleCode, number]))(
    '%s: content manager allows exactly its column',
    async (role, col) => {
      const token = await loginAs(app, role);
      const as = (method: 'get' | 'post' | 'put' | 'delete', url: string) => app.admin(method, url, token);
      const mismatches: string[] = [];
      const expect2xx = (what: string, allowed: boolean, status: number) => {
        if (allowed ? !ok(status) : status !== 403) mismatches.push(`${what}: ${status}, attendu ${allowed ? '2xx' : '403'}`);
      };
      for (const [uid, columns] of Object.entries(TABLE)) {
        const rights = columns[col];
        const target = await createDoc(uid);
        expect2xx(`${uid} R list`, rights.includes('R'), code(await as('get', cm(uid))));
        expect2xx(`${uid} R one`, rights.includes('R'), code(await as('get', cm(uid, target))));

        const before = await app.strapi.db.query(uid).count();
        const created = await as('post', cm(uid)).send(sample(uid));
        expect2xx(`${uid} C`, rights.includes('C'), code(created));
        if (!rights.includes('C') && (await app.strapi.db.query(uid).count()) !== before) mismatches.push(`${uid} C refusé mais écrit`);

        const updated = await as('put', cm(uid, target)).send(sample(uid));
        expect2xx(`${uid} U`, rights.includes('U'), code(updated));

        if (uid === 'api::article.article') {
          expect2xx(`${uid} P`, rights.includes('P'), code(await as('post', `${cm(uid, target)}/actions/publish`).send({})));
        }
        expect2xx(`${uid} D`, rights.includes('D'), code(await as('delete', cm(uid, target))));
        if (!rights.includes('D') && !(await docs(uid).findOne({ documentId: target }))) mismatches.push(`${uid} D refusé mais supprimé`);
      }
      // Logs the back-office writes: read by those who follow them, written by nobody.
      const LOGS: Record<string, string[]> = {
        'api::dues-reminder.dues-reminder': ['asso-treasurer', 'asso-secretary', 'asso-volunteer-manager'],
        'api::newsletter-delivery.newsletter-delivery': ['asso-communication'],
        'api::mission-message.mission-message': ['asso-volunteer-manager'],
        'api::mission-message-delivery.mission-message-delivery': ['asso-volunteer-manager'],
        // tax receipts: written only by the generation; the partnerships manager reads company receipts (tests/receipts)
        'api::receipt.receipt': ['asso-treasurer', 'asso-partnerships'],
        'api::receipt-delivery.receipt-delivery': ['asso-treasurer'],
        // fiscal years closed: written only by « Clôturer l’exercice »
        'api::fiscal-year.fiscal-year': ['asso-treasurer'],
        // bank statements and their lines: written only by the page « Rapprochement bancaire »
        'api::bank-statement.bank-statement': ['asso-treasurer'],
        'api::bank-statement-line.bank-statement-line': ['asso-treasurer'],
      };
      for (const [uid, readers] of Object.entries(LOGS)) {
        expect2xx(`${uid} R list`, readers.includes(role), code(await as('get', cm(uid))));
        expect2xx(`${uid} C`, false, code(await as('post', cm(uid)).send({ email: 'x@example.org' })));
      }
      // The association's settings: everyone reads, nobody but the president changes them.
      const single = `/content-manager/single-types/${ASSOCIATION}`;
      expect2xx('association R', true, code(await as('get', single)));
      expect2xx('association U', false, code(await as('put', single).send({ name: 'Piratée' })));
      expect(mismatches).toEqual([]);
    },
    300_000
  ); // ~80 requests per role

  it('hides relations towards what a role cannot read (a pole\u2019s members, a member\u2019s participations)', async () => {
    const pole = await createDoc('api::pole.pole', { members: [ids.member] });
    const asComm = await app.admin('get', cm('api::pole.pole', pole), await loginAs(app, 'asso-communication'));
    expect(asComm.status).toBe(200);
    expect(asComm.body.data.name).toBeDefined();
    expect(asComm.body.data).not.toHaveProperty('members');
    const asVolunteers = await app.admin('get', cm('api::pole.pole', pole), await loginAs(app, 'asso-volunteer-manager'));
    expect(asVolunteers.body.data).toHaveProperty('members');
    const member = await app.admin('get', cm('api::member.member', ids.member), await loginAs(app, 'asso-treasurer'));
    expect(member.status).toBe(200);
    expect(member.body.data).toHaveProperty('contributions');
    expect(member.body.data).not.toHaveProperty('participations');
  });

  describe('confidential documents', () => {
    let secret: string;
    let open: string;
    beforeAll(async () => {
      secret = await createDoc('api::document.document', { title: 'PV confidentiel', confidential: true });
      open = await createDoc('api::document.document', { title: 'Compte rendu public', confidential: false });
    });

    it.each([
      ['asso-treasurer', true],
      ['asso-secretary', true],
      ['strapi-super-admin', true],
      ['asso-volunteer-manager', false],
      ['asso-communication', false],
      ['asso-partnerships', false],
    ] as [RoleCode, boolean][])('%s sees confidential documents: %s (list and its total, view, edit, home page)', async (role, sees) => {
      const token = await loginAs(app, role);
      const list = await app.admin('get', `${cm('api::document.document')}?pageSize=100`, token);
      expect(list.status).toBe(200);
      const listed = list.body.results.map((d: Json) => d.documentId);
      expect(listed).toContain(open);
      expect(listed.includes(secret)).toBe(sees);
      expect(list.body.pagination.total).toBe(list.body.results.length);
      const one = await app.admin('get', cm('api::document.document', secret), token);
      expect(one.status).toBe(sees ? 200 : 403);
      if (!sees) expect(JSON.stringify(one.body)).not.toContain('PV confidentiel');
      const canUpdate = role !== 'asso-treasurer' && sees; // treasurer: read only
      const put = await app.admin('put', cm('api::document.document', secret), token).send({ description: `vu par ${role}` });
      expect(put.status).toBe(canUpdate ? 200 : 403);
      const stored = await docs('api::document.document').findOne({ documentId: secret });
      expect(stored.description === `vu par ${role}`).toBe(canUpdate);
      // nor on the home page's « last edited entries » widget (the two documents are the latest entries)
      const recent = await app.admin('get', '/content-manager/homepage/recent-documents?action=update', token);
      expect(recent.status).toBe(200);
      const titles = recent.body.data.map((d: Json) => d.title);
      expect(titles).toContain('Compte rendu public');
      expect(titles.includes('PV confidentiel')).toBe(sees);
    });

    it('a role without access cannot find it by filtering either', async () => {
      const token = await loginAs(app, 'asso-communication');
      const res = await app.admin('get', `${cm('api::document.document')}?filters[title][$contains]=confidentiel`, token);
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([]);
    });
  });

  it.each(BUREAU_ROLES)('%s has exactly its back-office and media-library rights', async (role) => {
    const res = await app.admin('get', '/admin/users/me/permissions', await loginAs(app, role));
    expect(res.status).toBe(200);
    const actions: string[] = res.body.data.map((p: Json) => p.action);
    const backOffice = actions
      .filter((a) => a.startsWith(BO))
      .map((a) => a.slice(BO.length))
      .sort();
    expect(backOffice).toEqual([...BACK_OFFICE[role]].sort());
    expect(backOffice).not.toContain('backups.manage');
    const media = actions.filter((a) => a.startsWith('plugin::upload.'));
    expect(media).toEqual(expect.arrayContaining(['plugin::upload.read', 'plugin::upload.assets.create']));
    // deleting a file needs assets.update in Strapi 5.54
    expect(media.includes('plugin::upload.assets.update')).toBe(role === 'asso-communication');
  });

  it('leaves a role the bureau edited as it is at the next start, and roles:reset restores the defaults', async () => {
    const { ensureRoles } = require(`${process.env.TEST_DIST_DIR}/src/back-office/access/admin-roles`);
    const roleService = app.strapi.service('admin::role');
    const role = await roleService.findOne({ code: 'asso-communication' });
    await roleService.assignPermissions(role.id, [{ action: 'plugin::upload.read', subject: null, properties: {}, conditions: [] }]);
    expect(await ensureRoles(app.strapi)).toEqual([]);
    const count = () => app.strapi.db.query('admin::permission').count({ where: { role: { id: role.id } } });
    expect(await count()).toBe(1);
    expect(await ensureRoles(app.strapi, { reset: true })).toHaveLength(5);
    expect(await count()).toBeGreaterThan(10);
  });

  it('lets the roles created before a derived field read it (a contribution\u2019s name), once, leaving the rest as the bureau set it', async () => {
    const { grantDerivedFields } = require(`${process.env.TEST_DIST_DIR}/src/back-office/access/admin-roles`);
    const role = await app.strapi.service('admin::role').findOne({ code: 'asso-secretary' });
    const where = { role: { id: role.id }, subject: 'api::contribution.contribution', action: 'plugin::content-manager.explorer.read' };
    const before = await app.strapi.db.query('admin::permission').findOne({ where });
    const older = before.properties.fields.filter((f: string) => f !== 'displayName' && f !== 'notes');
    await app.strapi.db.query('admin::permission').update({ where: { id: before.id }, data: { properties: { fields: older } } });
    expect(await grantDerivedFields(app.strapi)).toBe(1);
    const after = await app.strapi.db.query('admin::permission').findOne({ where });
    expect(after.properties.fields).toEqual([...older, 'displayName']);
    expect(await grantDerivedFields(app.strapi)).toBe(0);
    await app.strapi.db.query('admin::permission').update({ where: { id: before.id }, data: { properties: before.properties } });
  });

  it('names the types and fields in French on the roles screen, and the super admin role too', async () => {
    const layout = await app.admin('get', '/admin/permissions');
    const subjects = layout.body.data.sections.collectionTypes.subjects;
    const member = subjects.find((s: Json) => s.uid === 'api::member.member');
    expect(member.label).toBe('Adhérent');
    const fields = member.properties.find((p: Json) => p.value === 'fields');
    expect(fields.children.find((f: Json) => f.value === 'duesPaidUntil').label).toBe('Cotisation payée jusqu\u2019au');
    expect(subjects.find((s: Json) => s.uid === 'api::dues-reminder.dues-reminder').label).not.toMatch(/reminder/i);
    const superAdmin = await app.strapi.service('admin::role').findOne({ code: 'strapi-super-admin' });
    expect(superAdmin.description).not.toMatch(/Super Admins can/);
  });

  it('shows only the bureau\u2019s roles: Strapi\u2019s unused « Author » and « Editor » are gone, one held by someone stays', async () => {
    const list = await app.admin('get', '/admin/roles');
    const codes = list.body.data.map((r: Json) => r.code);
    expect(codes).not.toContain('strapi-author');
    expect(codes).not.toContain('strapi-editor');
    expect(codes).toEqual(expect.arrayContaining(['strapi-super-admin', ...BUREAU_ROLES]));
    // an « Editor » role that an account holds (given by hand) is kept at the next start
    const { removeUnusedDefaultRoles } = require(`${process.env.TEST_DIST_DIR}/src/back-office/access/admin-roles`);
    const roleService = app.strapi.service('admin::role');
    const editor = await roleService.create({ code: 'strapi-editor', name: 'Editor', description: 'Rôle gardé' });
    await app.strapi.service('admin::user').create({
      email: 'gardee@test.local',
      firstname: 'Gardée',
      lastname: 'Rôle',
      password: 'Gardee-Test-2026',
      isActive: true,
      roles: [editor.id],
    });
    const author = await roleService.create({ code: 'strapi-author', name: 'Author', description: 'Rôle sans personne' });
    expect(await removeUnusedDefaultRoles(app.strapi)).toEqual(['strapi-author']);
    expect(await roleService.findOne({ id: author.id })).toBeNull();
    expect((await roleService.findOne({ id: editor.id }))?.code).toBe('strapi-editor');
  });
});
