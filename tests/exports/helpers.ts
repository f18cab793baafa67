import { parse } from 'csv-parse/sync';
import type { TestApp } from '../helpers/strapi';
import { loginAdmin } from '../helpers/strapi';

/** A supertest request that buffers the body as text (CSV) or bytes (PDF). */
export const download = async (app: TestApp, url: string, token = app.adminToken) =>
  app
    .admin('get', url, token)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });

/** A CSV body parsed back: the BOM flag, the header and the rows as objects keyed by header. */
export const parseCsv = (body: Buffer, delimiter = ';') => {
  const text = body.toString('utf8');
  const bom = text.charCodeAt(0) === 0xfeff;
  const records: string[][] = parse(bom ? text.slice(1) : text, { delimiter, relax_column_count: false });
  const [header, ...rows] = records;
  return { bom, text, header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
};

/**
 * An admin user holding only a role made for the test: the given back-office actions and
 * content-manager read rights (optionally limited to some fields). Returns their token.
 */
export const adminWithRights = async (
  app: TestApp,
  name: string,
  rights: { actions?: string[]; read?: Record<string, string[] | true> }
) => {
  const roles = app.strapi.service('admin::role');
  const role = await roles.create({ name, description: 'rôle de test' });
  await roles.assignPermissions(role.id, [
    ...(rights.actions ?? []).map((action) => ({ action, subject: null, properties: {}, conditions: [] })),
    ...Object.entries(rights.read ?? {}).map(([subject, fields]) => ({
      action: 'plugin::content-manager.explorer.read',
      subject,
      properties: fields === true ? { fields: fieldsOf(app, subject) } : { fields },
      conditions: [],
    })),
  ]);
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@test.local`;
  await app.strapi
    .service('admin::user')
    .create({ email, firstname: name, lastname: 'Test', password: 'Export-Test-2026', roles: [role.id], isActive: true });
  return loginAdmin(app.strapi.server.httpServer, email, 'Export-Test-2026');
};

/** Every field of a content type (what the role editor grants when "all fields" is ticked). */
const fieldsOf = (app: TestApp, uid: string) =>
  Object.entries<{ writable?: boolean }>(app.strapi.getModel(uid).attributes)
    .filter(
      ([f, a]) =>
        !['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations'].includes(f) &&
        a.writable !== false
    )
    .map(([f]) => f);
