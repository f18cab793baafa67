import { startStrapi, TestApp, cm, DB_CLIENT } from '../helpers/strapi';
import { badRequest, conflict, fieldError, forbidden, notFound } from '../../src/core/errors';
import { ASSOCIATION_DEFAULTS, nameAsTitle, readAssociation } from '../../src/core/association';
import { currentFiscalYear, fiscalYearBounds, fiscalYearStart, todayInParis } from '../../src/core/dates';

/**
 * The cross-cutting pieces of src/core on a booted Strapi. The one way to refuse (errors.ts): each
 * builder gives its HTTP status and the same JSON shape as Strapi's own errors, through the admin
 * content manager and the content API, and the refused write changes nothing. The association's
 * settings reader (association.ts): its defaults until the bureau fills the settings in, then theirs.
 */
describe(`src/core on a booted Strapi (${DB_CLIENT})`, () => {
  let app: TestApp;
  let apiToken: string;
  const SKILL = 'api::skill.skill';
  const count = () => app.strapi.db.query(SKILL).count();

  /** Each name sent makes the write refused by one builder, as a module's rule would. */
  const REFUSALS: Record<string, () => Error> = {
    'Refus 400': () => badRequest('Nom : « Refus 400 » n’est pas accepté.', 'name'),
    'Refus champ': () => fieldError(SKILL, 'name', 'la valeur est refusée.'),
    'Refus 403': () => forbidden('Accès refusé : le champ « name » ne peut pas être écrit avec votre rôle.', 'name'),
    'Refus 404': () => notFound('Compétence introuvable.'),
    'Refus 409': () => conflict('Nom : cette compétence vient d’être créée par quelqu’un d’autre.', 'name'),
  };

  beforeAll(async () => {
    app = await startStrapi();
    apiToken = (await app.strapi.service('admin::api-token').create({ name: 'tests', type: 'full-access', lifespan: null })).accessKey;
    app.strapi.documents.use(
      async (ctx: { uid: string; action: string; params: { data?: { name?: string } } }, next: () => Promise<unknown>) => {
        const refusal = ctx.uid === SKILL && ctx.action === 'create' ? REFUSALS[ctx.params.data?.name ?? ''] : undefined;
        if (refusal) throw refusal();
        return next();
      }
    );
  });
  afterAll(() => app?.stop());

  const viaAdmin = (name: string) => app.admin('post', cm(SKILL)).send({ name });
  const viaApi = (name: string) => app.http().post('/api/skills').set('Authorization', `Bearer ${apiToken}`).send({ data: { name } });

  it.each([
    ['Refus 400', 400, 'ValidationError', 'Nom : « Refus 400 » n’est pas accepté.', ['name']],
    ['Refus champ', 400, 'ValidationError', 'Nom : la valeur est refusée.', ['name']],
    ['Refus 403', 403, 'PolicyError', 'Accès refusé : le champ « name » ne peut pas être écrit avec votre rôle.', ['name']],
    ['Refus 404', 404, 'NotFoundError', 'Compétence introuvable.', null],
    ['Refus 409', 409, 'ConflictError', 'Nom : cette compétence vient d’être créée par quelqu’un d’autre.', ['name']],
  ])(
    '%s: HTTP %i, %s, the French message and the field, on the admin and the content API; nothing written',
    async (name, status, errorName, message, path) => {
      const before = await count();
      for (const res of [await viaAdmin(name), await viaApi(name)]) {
        expect(res.status).toBe(status);
        expect(res.body).toEqual({
          data: null,
          error: { status, name: errorName, message, details: path ? { errors: [{ path, message, name: errorName }] } : {} },
        });
      }
      expect(await count()).toBe(before);
    }
  );

  it('lets the other writes through', async () => {
    const before = await count();
    expect((await viaAdmin('Jardinage')).status).toBe(201);
    expect((await viaApi('Cuisine')).status).toBe(201);
    expect(await count()).toBe(before + 2);
  });

  it('reads the association’s settings, with the defaults until the bureau fills them in', async () => {
    expect(await readAssociation(app.strapi, ['name', 'fiscalYearStartMonth', 'duesGraceDays', 'city', 'logo'])).toEqual({
      name: 'l’association',
      fiscalYearStartMonth: 1,
      duesGraceDays: 30,
      city: null,
      logo: null,
    });
    expect(nameAsTitle(ASSOCIATION_DEFAULTS.name)).toBe('L’association');
    const saved = await app.admin('put', '/content-manager/single-types/api::association.association').send({
      name: 'Les Amis du Quartier',
      city: 'Lyon',
      fiscalYearStartMonth: 9,
      duesGraceDays: 15,
    });
    expect(saved.status).toBe(200);
    expect(await readAssociation(app.strapi, ['name', 'fiscalYearStartMonth', 'duesGraceDays', 'city'])).toEqual({
      name: 'Les Amis du Quartier',
      fiscalYearStartMonth: 9,
      duesGraceDays: 15,
      city: 'Lyon',
    });
    expect(nameAsTitle('Les Amis du Quartier')).toBe('Les Amis du Quartier');
  });
});

describe('dates of the association (Paris, fiscal years)', () => {
  it('starts fiscal years on the 1st of their month and names them after the year they start in', () => {
    expect(fiscalYearStart('2026-03-15')).toBe('2026-01-01');
    expect(fiscalYearStart('2026-03-15', 9)).toBe('2025-09-01');
    expect(fiscalYearStart('2026-09-01', 9)).toBe('2026-09-01');
    expect(fiscalYearBounds(2025, 9)).toEqual(['2025-09-01', '2026-08-31']);
    expect(fiscalYearBounds(2024)).toEqual(['2024-01-01', '2024-12-31']);
    const today = todayInParis();
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(currentFiscalYear(1)).toBe(Number(today.slice(0, 4)));
    expect(fiscalYearBounds(currentFiscalYear(9), 9)[0] <= today && today <= fiscalYearBounds(currentFiscalYear(9), 9)[1]).toBe(true);
  });
});
