import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import type { UID } from '@strapi/strapi';
import type { Strapi } from '../types';
import { booleanValue, column, knex, link, table } from '../sql';
import { todayInParis } from '../dues/period';
import { invalidInput } from './schedule';
import { statusLabel } from './staffing';
import { neutralise } from '../exports/format';
import type { MemberRow } from './rows';

const MEMBER = 'api::member.member';
const PARTICIPATION = 'api::participation.participation';

/**
 * « Trouver des bénévoles »: members by name, skills, availability slots, poles, city and age range.
 * Every criterion given must hold (AND), and within skills, slots or poles every value chosen must
 * hold too (« cuisine » and « premiers secours »: both). The same search feeds the mission panel's
 * « Ajouter des bénévoles », the page and its CSV export.
 */
export interface VolunteerFilters {
  search: string | null;
  skills: string[];
  availability: string[];
  poles: string[];
  city: string | null;
  ageMin: number | null;
  ageMax: number | null;
  volunteersOnly: boolean;
  /** a mission whose registrations are shown next to each person */
  mission: string | null;
}

/** The filters of a search and the member fields each one reads (read rights are checked on them). */
export const FILTER_FIELDS: Record<string, string> = {
  search: 'lastName',
  skills: 'skills',
  availability: 'availability',
  poles: 'poles',
  city: 'city',
  ageMin: 'birthDate',
  ageMax: 'birthDate',
  volunteersOnly: 'isVolunteer',
};

/** Results shown on a page (the CSV has them all). */
export const PAGE_LIMIT = 200;

const ids = (value: unknown, field: string, label: string) => {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : String(value).split(',');
  if (list.length > 50 || list.some((v) => typeof v !== 'string' || !/^[a-z0-9]{1,64}$/i.test(v))) {
    throw invalidInput(field, `${label} : liste d’identifiants invalide.`);
  }
  return [...new Set(list as string[])];
};

const text = (value: unknown, field: string, label: string) => {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw invalidInput(field, `${label} : doit être un texte.`);
  if (value.trim().length > 100) throw invalidInput(field, `${label} : 100 caractères au maximum.`);
  return value.trim() || null;
};

const age = (value: unknown, field: string, label: string) => {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !/^\d{1,3}$/.test(value) || Number(value) > 120) {
    throw invalidInput(field, `${label} : « ${String(value)} » n’est pas un âge valide (nombre entier de 0 à 120).`);
  }
  return Number(value);
};

const flag = (value: unknown, field: string, label: string, fallback: boolean) => {
  if (value === undefined || value === null || value === '') return fallback;
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  throw invalidInput(field, `${label} : attendu true ou false.`);
};

/** The query string of a search, checked: French 400 naming the parameter. */
export const readFilters = (query: Record<string, unknown>): VolunteerFilters => {
  const filters: VolunteerFilters = {
    search: text(query.search, 'search', 'Nom'),
    skills: ids(query.skills, 'skills', 'Compétences'),
    availability: ids(query.availability, 'availability', 'Disponibilités'),
    poles: ids(query.poles, 'poles', 'Pôles'),
    city: text(query.city, 'city', 'Ville'),
    ageMin: age(query.ageMin, 'ageMin', 'Âge minimum'),
    ageMax: age(query.ageMax, 'ageMax', 'Âge maximum'),
    volunteersOnly: flag(query.volunteersOnly, 'volunteersOnly', 'Bénévoles seulement', true),
    mission: ids(query.mission, 'mission', 'Mission')[0] ?? null,
  };
  if (filters.ageMin !== null && filters.ageMax !== null && filters.ageMin > filters.ageMax) {
    throw invalidInput('ageMax', 'Âge maximum : doit être supérieur ou égal à l’âge minimum.');
  }
  return filters;
};

/** The member fields a search with these filters reads. */
export const fieldsRead = (filters: VolunteerFilters) => [
  ...new Set(
    Object.entries(FILTER_FIELDS)
      .filter(([key]) => {
        const v: unknown = filters[key as keyof VolunteerFilters];
        return key === 'volunteersOnly' ? v === true : Array.isArray(v) ? v.length > 0 : v !== null;
      })
      .map(([, field]) => field)
  ),
];

/** `LIKE` pattern of a text typed by someone: % and _ are taken literally. */
const contains = (value: string) => `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Ids of the members that match, as a knex query (every criterion with AND), or null when an unknown
 * skill, slot or pole was asked for (nobody matches). Wrapped in an object: a knex query is thenable,
 * an async function would run it.
 */
const matching = async (strapi: Strapi, f: VolunteerFilters): Promise<{ q: Knex.QueryBuilder } | null> => {
  const k = knex(strapi);
  const col = (field: string) => `m.${column(strapi, MEMBER, field)}`;
  const q = k(`${table(strapi, MEMBER)} as m`).select('m.id');
  if (f.volunteersOnly) q.where(col('isVolunteer'), booleanValue(strapi, true));
  if (f.search) {
    for (const word of f.search.split(/\s+/).slice(0, 4)) {
      q.where((w) => {
        w.whereRaw(`LOWER(${col('firstName')}) LIKE ? ESCAPE '\\'`, [contains(word)]).orWhereRaw(
          `LOWER(${col('lastName')}) LIKE ? ESCAPE '\\'`,
          [contains(word)]
        );
        if (/^\d+$/.test(word)) w.orWhere(col('memberNumber'), Number(word));
      });
    }
  }
  if (f.city) q.whereRaw(`LOWER(${col('city')}) LIKE ? ESCAPE '\\'`, [contains(f.city)]);
  const today = DateTime.fromISO(todayInParis());
  // age in whole years today: at least N → born on or before today − N years; at most N → born after today − (N + 1) years
  if (f.ageMin !== null) q.where(col('birthDate'), '<=', today.minus({ years: f.ageMin }).toISODate());
  if (f.ageMax !== null) q.where(col('birthDate'), '>', today.minus({ years: f.ageMax + 1 }).toISODate());
  const relations: Array<[string, string, string[]]> = [
    ['skills', 'api::skill.skill', f.skills],
    ['availability', 'api::availability-slot.availability-slot', f.availability],
    ['poles', 'api::pole.pole', f.poles],
  ];
  for (const [field, target, documentIds] of relations) {
    if (!documentIds.length) continue;
    const lnk = link(strapi, MEMBER, field);
    const targets = await strapi.db.query(target as UID.Schema).findMany({ where: { documentId: { $in: documentIds } }, select: ['id'] });
    // an unknown value matches nobody (it was removed meanwhile)
    if (targets.length < documentIds.length) return null;
    for (const t of targets) q.whereIn('m.id', k(lnk.table).select(lnk.from).where(lnk.to, t.id));
  }
  return { q };
};

/** Names in French alphabetical order (« Événements » before « Solidarité »). */
const byName = (a: string, b: string) => a.localeCompare(b, 'fr');
const names = (rows: Array<{ name: string }> | undefined) => (rows ?? []).map((r) => r.name as string).sort(byName);

const ageOn = (birthDate: string | null | undefined, today: DateTime) =>
  birthDate ? Math.floor(today.diff(DateTime.fromISO(String(birthDate).slice(0, 10)), 'years').years) : null;

/** One result row: the attributes searched on, and the person's registration on the mission given. */
/** A member row as loadRows reads it. */
interface VolunteerMemberRow extends MemberRow {
  city?: string | null;
  birthDate?: string | null;
  phone?: string | null;
  isVolunteer?: boolean | number | null;
  skills?: Array<{ name: string }>;
  poles?: Array<{ name: string }>;
  availability?: Array<{ name: string; position?: number | null }>;
}

const toRow = (m: VolunteerMemberRow, today: DateTime, registrations: Map<number, string>) => {
  const registration = registrations.get(m.id);
  return {
    documentId: m.documentId as string,
    memberNumber: m.memberNumber ?? null,
    firstName: m.firstName as string,
    lastName: m.lastName as string,
    city: m.city ?? null,
    age: ageOn(m.birthDate, today),
    phone: m.phone ?? null,
    email: m.email ?? null,
    isVolunteer: Boolean(m.isVolunteer),
    skills: names(m.skills),
    availability: (m.availability ?? []).sort((a, b) => (a.position ?? 0) - (b.position ?? 0)).map((s) => s.name as string),
    poles: names(m.poles),
    registration: registration ? { status: registration, statusLabel: statusLabel(registration) } : null,
  };
};

export type VolunteerRow = ReturnType<typeof toRow>;

/** Loads the rows of these member ids (in the order given), with their skills, slots and poles. */
const loadRows = async (strapi: Strapi, memberIds: number[], missionDocumentId: string | null) => {
  if (!memberIds.length) return [];
  const members = await strapi.db.query(MEMBER).findMany({
    where: { id: { $in: memberIds } },
    select: ['id', 'documentId', 'memberNumber', 'firstName', 'lastName', 'city', 'birthDate', 'phone', 'email', 'isVolunteer'],
    populate: { skills: { select: ['name'] }, poles: { select: ['name'] }, availability: { select: ['name', 'position'] } },
  });
  const registrations = new Map<number, string>();
  if (missionDocumentId) {
    const rows = await strapi.db.query(PARTICIPATION).findMany({
      where: { mission: { documentId: missionDocumentId }, member: { id: { $in: memberIds } } },
      select: ['id', 'status'],
      populate: { member: { select: ['id'] } },
      orderBy: { id: 'asc' },
    });
    // the latest registration of each person wins (a cancelled one may have been followed by a new one)
    for (const r of rows) if (r.member) registrations.set(r.member.id, r.status);
  }
  const today = DateTime.fromISO(todayInParis());
  const byId = new Map(members.map((m) => [m.id, m]));
  return memberIds
    .map((id) => byId.get(id))
    .filter(Boolean)
    .map((m) => toRow(m, today, registrations));
};

const ordered = (strapi: Strapi, q: Knex.QueryBuilder) =>
  q.orderBy([`m.${column(strapi, MEMBER, 'lastName')}`, `m.${column(strapi, MEMBER, 'firstName')}`, 'm.id']);

/** The first PAGE_LIMIT matches, sorted by name, and how many there are in all. */
export const searchVolunteers = async (strapi: Strapi, filters: VolunteerFilters) => {
  const found = await matching(strapi, filters);
  if (!found) return { total: 0, rows: [] as VolunteerRow[] };
  const { q } = found;
  const total = Number((await q.clone().clearSelect().count({ n: '*' }).first())?.n ?? 0);
  const page = await ordered(strapi, q.clone()).limit(PAGE_LIMIT);
  return {
    total,
    rows: await loadRows(
      strapi,
      page.map((r) => r.id),
      filters.mission
    ),
  };
};

/** Every match, by batches (for the CSV export). */
export async function* allVolunteers(strapi: Strapi, filters: VolunteerFilters, batchSize = 500) {
  const found = await matching(strapi, filters);
  if (!found) return;
  const { q } = found;
  for (let offset = 0; ; offset += batchSize) {
    const page = await ordered(strapi, q.clone()).limit(batchSize).offset(offset);
    if (!page.length) return;
    yield await loadRows(
      strapi,
      page.map((r) => r.id),
      filters.mission
    );
  }
}

/** The search form's lists: skills, availability slots and poles. */
export const filterOptions = async (strapi: Strapi) => {
  const list = async (uid: UID.Schema, orderBy: Record<string, 'asc' | 'desc'> | Array<Record<string, 'asc' | 'desc'>>) =>
    (await strapi.db.query(uid).findMany({ select: ['documentId', 'name'], orderBy })).map((r) => ({
      documentId: r.documentId as string,
      name: r.name as string,
    }));
  const alphabetical = (rows: Array<{ name: string }>) => rows.sort((a, b) => byName(a.name, b.name));
  return {
    skills: alphabetical(await list('api::skill.skill', { name: 'asc' })),
    availability: await list('api::availability-slot.availability-slot', [{ position: 'asc' }, { name: 'asc' }]),
    poles: alphabetical(await list('api::pole.pole', { name: 'asc' })),
  };
};

/** The columns of a search result and the member field each one shows (left out when the admin may not read it). */
export const RESULT_FIELDS: Record<string, string> = {
  memberNumber: 'memberNumber',
  city: 'city',
  age: 'birthDate',
  phone: 'phone',
  email: 'email',
  isVolunteer: 'isVolunteer',
  skills: 'skills',
  availability: 'availability',
  poles: 'poles',
};

/** The CSV of a search (French spreadsheet format: BOM, `;`), the columns the admin may read. */
export const VOLUNTEER_CSV_COLUMNS: Array<{ key: string; label: string; value: (r: VolunteerRow) => string }> = [
  { key: 'memberNumber', label: 'N° d’adhérent', value: (r) => (r.memberNumber === null ? '' : String(r.memberNumber)) },
  { key: 'lastName', label: 'Nom', value: (r) => neutralise(r.lastName) },
  { key: 'firstName', label: 'Prénom', value: (r) => neutralise(r.firstName) },
  { key: 'age', label: 'Âge', value: (r) => (r.age === null ? '' : String(r.age)) },
  { key: 'city', label: 'Ville', value: (r) => neutralise(r.city ?? '') },
  { key: 'phone', label: 'Téléphone', value: (r) => neutralise(r.phone ?? '') },
  { key: 'email', label: 'E-mail', value: (r) => neutralise(r.email ?? '') },
  { key: 'skills', label: 'Compétences', value: (r) => neutralise(r.skills.join(', ')) },
  { key: 'availability', label: 'Disponibilités', value: (r) => neutralise(r.availability.join(', ')) },
  { key: 'poles', label: 'Pôles', value: (r) => neutralise(r.poles.join(', ')) },
  { key: 'isVolunteer', label: 'Bénévole', value: (r) => (r.isVolunteer ? 'Oui' : 'Non') },
];
