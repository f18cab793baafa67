import fs from 'fs';
import path from 'path';
const ROOT = path.resolve(__dirname, '../..');

/**
 * The content types and components as Strapi loads them (src/api/<api>/content-types/<name>/schema.json
 * → api::<api>.<name>; src/components/<category>/<name>.json → <category>.<name>), read without booting
 * Strapi: the pure safety nets loop over them. tests/access/every-type.test.ts checks that this list is
 * exactly the api:: types of a booted strapi.contentTypes.
 */
export interface Schema {
  kind?: 'collectionType' | 'singleType';
  info: { singularName?: string; pluralName?: string; displayName?: string };
  attributes: Record<string, { type: string; enum?: string[]; [key: string]: unknown }>;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const dirs = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
    : [];

export const apiContentTypes = (): Array<{ uid: string; schema: Schema }> =>
  dirs(path.join(ROOT, 'src/api')).flatMap((api) =>
    dirs(path.join(ROOT, 'src/api', api, 'content-types'))
      .filter((name) => fs.existsSync(path.join(ROOT, 'src/api', api, 'content-types', name, 'schema.json')))
      .map((name) => ({
        uid: `api::${api}.${name}`,
        schema: readJson(path.join(ROOT, 'src/api', api, 'content-types', name, 'schema.json')) as Schema,
      }))
  );

export const components = (): Array<{ uid: string; schema: Schema }> =>
  dirs(path.join(ROOT, 'src/components')).flatMap((category) =>
    fs
      .readdirSync(path.join(ROOT, 'src/components', category))
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ uid: `${category}.${f.slice(0, -5)}`, schema: readJson(path.join(ROOT, 'src/components', category, f)) as Schema }))
  );
