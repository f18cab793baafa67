import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import type { DocumentData, Strapi, Values } from '../types';
import { fiscalYearStart, periodEndFor, todayInParis, TZ } from '../dues/period';
import { recomputeAllDuesPaidUntil } from '../dues/paid-until';
import { isPostgres, table } from '../sql';
import { donorDisplayName, memberDisplayName, participationDisplayName } from '../members/display-names';
import { contributionDisplayName } from '../../contract/display-names';
import { slugify } from '../../utils/slugify';
import { BulkWriter } from '../rules/bulk-writer';
import { Random } from './random';
import { clearContent, countContent, isContentEmpty, refuseInProduction } from './reset';
import { coverPng, signaturePng, simplePdf, uploadBuffer } from './media';
import * as D from './data';
import { seedBooks } from './books';

export interface SeedOptions {
  /** number of members (default 200); everything else scales with it */
  members?: number;
  /** delete the existing content first (admin users are kept) */
  reset?: boolean;
  /** the day the data is built around (default: today in Europe/Paris) */
  today?: string;
  /** seed of the pseudo-random generator: same seed, same association */
  seed?: number;
  log?: (message: string) => void;
}

export class SeedRefusedError extends Error {}

const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';
const MISSION = 'api::mission.mission';
const PARTICIPATION = 'api::participation.participation';

/**
 * How many of each for `members` members: 200 members give the demo association (40 missions,
 * 18 partners...); 20,000 give the benchmark's data set (about 60,000 contributions, 1,000 missions,
 * 40,000 participations, 5,000 donors, 25,000 donations). Activities and partners grow slower than members.
 */
export const demoSizes = (members: number) => {
  const f = members / 200;
  return {
    members,
    missions: Math.max(6, Math.round(40 * f ** 0.7)),
    participations: Math.round(members * 2),
    partners: Math.max(5, Math.round(18 * Math.sqrt(f))),
    subsidies: Math.max(6, Math.round(24 * Math.sqrt(f))),
    donors: Math.max(5, Math.round(members / 4)),
    donations: Math.max(8, Math.round(members * 1.25)),
    articles: D.ARTICLES.length,
    documents: D.DOCUMENTS.length,
  };
};

/** Dues situations, in a fixed rotation so that even a small data set has each of them. */
type DuesCase = 'up_to_date' | 'expiring' | 'grace' | 'expired' | 'never_paid';
const DUES_ROTATION: DuesCase[] = (
  'up_to_date expired up_to_date expiring up_to_date grace up_to_date never_paid up_to_date expired ' +
  'up_to_date expiring up_to_date up_to_date expired up_to_date grace up_to_date up_to_date expiring ' +
  'up_to_date expired never_paid up_to_date up_to_date'
).split(' ') as DuesCase[];

const day = (d: DateTime) => d.toISODate()!;
const at = (isoDay: string, hour: number, minute = 0) => DateTime.fromISO(isoDay, { zone: TZ }).set({ hour, minute }).toJSDate();
const euros = (cents: number) => (cents / 100).toFixed(2);
const ascii = (s: string) => slugify(s).replace(/-/g, '');
const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];

const PAYMENT_METHODS = ['cash', 'cheque', 'transfer', 'card', 'helloasso', 'other'] as const;
const PAYMENT_WEIGHTS = [18, 22, 20, 10, 27, 3];

/**
 * Fills an empty database with a believable French association (see docs/demo.md). Refuses a
 * database that already holds the association's data, unless `reset` (which deletes it first);
 * with NODE_ENV=production, refuses `reset` and any database that is not empty.
 * Large tables are written in batches (BulkWriter); articles and documents, few and with media,
 * go through the Document Service.
 */
export const seedDemo = async (strapi: Strapi, options: SeedOptions = {}) => {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const sizes = demoSizes(Math.max(1, Math.floor(options.members ?? 200)));
  const today = options.today ?? todayInParis();
  const T = DateTime.fromISO(today);
  const random = new Random(options.seed ?? 20251022);

  if (options.reset) refuseInProduction('reset');
  if (!(await isContentEmpty(strapi))) {
    refuseInProduction('seed');
    if (!options.reset) {
      throw new SeedRefusedError(
        'La base de données contient déjà des données (adhérents, missions, dons...). Rien n’a été modifié. ' +
          'Relancez avec --reset pour tout effacer (sauf les comptes d’administration) et recréer les données de démonstration.'
      );
    }
    log('Suppression des données existantes...');
    await clearContent(strapi);
  }

  const association = await upsertAssociation(strapi);
  const fyMonth = association.fiscalYearStartMonth ?? 1;
  const graceDays = association.duesGraceDays ?? 30;

  log(`Création de ${sizes.members} adhérents et de leurs cotisations, missions, dons...`);
  await strapi.db.transaction(async ({ trx }) => {
    const bulk = new BulkWriter(strapi, trx, random);
    const ref = await referenceData(strapi, trx, bulk);

    // ---- members and their dues -------------------------------------------------------------
    const lastNumber = Number((await trx(table(strapi, MEMBER)).max({ n: 'member_number' }))[0]?.n ?? 0);
    const members: Values[] = [];
    const contributions: Values[] = [];
    let reference = 0;
    const fy0 = DateTime.fromISO(fiscalYearStart(today, fyMonth));
    const fyEnd = (start: DateTime) => periodEndFor(day(start), null, fyMonth);
    const expiringUntil = day(T.plus({ days: 30 }));
    const graceFrom = day(T.minus({ days: graceDays }));
    const daysToMonthEnd = Math.floor(T.endOf('month').diff(T, 'days').days);

    for (let i = 0; i < sizes.members; i++) {
      const duesCase = DUES_ROTATION[i % DUES_ROTATION.length];
      const gender = random.weighted(['female', 'male', 'non_binary', 'undisclosed'] as const, [51, 46, 1.5, 1.5]);
      const firstName = random.pick(
        gender === 'male'
          ? D.MALE_FIRST_NAMES
          : gender === 'female'
            ? D.FEMALE_FIRST_NAMES
            : random.chance(0.5)
              ? D.MALE_FIRST_NAMES
              : D.FEMALE_FIRST_NAMES
      );
      const lastName = random.pick(D.LAST_NAMES);
      const age = random.weighted([16, 18, 25, 35, 50, 65, 75], [4, 14, 18, 18, 20, 18, 8]) + random.int(0, 9);
      const birthDate = day(T.minus({ years: Math.min(age, 85), days: random.int(1, 360) }));
      const place = random.weighted(
        D.CITIES,
        D.CITIES.map((c) => c.weight)
      );
      const feminine = gender === 'female';
      const profession =
        age < 18
          ? feminine
            ? 'Lycéenne'
            : 'Lycéen'
          : age < 24 && random.chance(0.7)
            ? feminine
              ? 'Étudiante'
              : 'Étudiant'
            : age >= 65
              ? feminine
                ? 'Retraitée'
                : 'Retraité'
              : random.pick(D.PROFESSIONS)[feminine ? 1 : 0];
      const isVolunteer = random.chance(0.45);

      // Contributions: [type, periodStart, periodEnd, paidAt]
      const dues: Array<[string, string, string, string]> = [];
      const fyType = () => random.weighted(['annual', 'support', 'reduced'], age < 26 || age >= 70 ? [40, 5, 55] : [65, 20, 15]);
      const payFiscalYear = (start: DateTime, type = fyType()) => {
        const latest = DateTime.min(start.plus({ days: 90 }), T);
        const paid = start.plus({ days: random.int(0, Math.max(0, Math.floor(latest.diff(start, 'days').days))) });
        dues.push([type, day(paid), fyEnd(start), day(paid)]);
      };
      const payRolling = (end: string, history: number) => {
        for (let k = history; k >= 0; k--) {
          const periodStart = DateTime.fromISO(end)
            .plus({ days: 1 })
            .minus({ months: 12 * (k + 1) });
          dues.push(['rolling', day(periodStart), periodEndFor(day(periodStart), 12), day(periodStart)]);
        }
      };
      if (duesCase === 'up_to_date') {
        const yearsBack = random.weighted([0, 1, 2, 3, 4], [12, 13, 20, 20, 35]);
        for (let k = yearsBack; k >= 1; k--) payFiscalYear(fy0.minus({ years: k }));
        payFiscalYear(fy0);
        if (fyEnd(fy0) <= expiringUntil) {
          // Late in the year: up to date means the next year is already paid.
          const next = fy0.plus({ years: 1 });
          const paid = day(T.minus({ days: random.int(0, Math.min(20, Math.floor(T.diff(fy0, 'days').days))) }));
          dues.push([fyType(), day(next), fyEnd(next), paid]);
        }
      } else if (duesCase === 'expiring') {
        const offset = random.chance(0.5) ? random.int(0, daysToMonthEnd) : random.int(0, 30);
        payRolling(day(T.plus({ days: offset })), random.int(1, 3));
      } else if (duesCase === 'grace') {
        payRolling(day(T.minus({ days: random.int(1, graceDays) })), random.int(1, 3));
      } else if (duesCase === 'expired') {
        let last = fy0.minus({ years: 1 });
        if (fyEnd(last) >= graceFrom || random.chance(0.4)) last = last.minus({ years: 1 });
        const yearsBack = random.int(0, 3);
        for (let k = yearsBack; k >= 0; k--) payFiscalYear(last.minus({ years: k }));
      }

      const firstPaid = dues.length ? dues.map((d) => d[3]).sort()[0] : null;
      const joinedAt = firstPaid
        ? day(DateTime.fromISO(firstPaid).minus({ days: random.int(0, 10) }))
        : day(T.minus({ days: random.int(3, 240) }));
      const memberNumber = lastNumber + i + 1;
      const hasEmail = random.chance(0.92);
      const member = {
        documentId: random.documentId(),
        memberNumber,
        firstName,
        lastName,
        email: hasEmail ? `${ascii(firstName)}.${ascii(lastName)}.${memberNumber}@example.fr` : null,
        phone: random.chance(0.85)
          ? `0${random.pick(['6', '7'])} ${[0, 0, 0, 0].map(() => String(random.int(0, 99)).padStart(2, '0')).join(' ')}`
          : null,
        birthDate: random.chance(0.95) ? birthDate : null,
        gender,
        profession: random.chance(0.93) ? profession : null,
        address: `${random.int(1, 140)} ${random.pick(D.STREETS)}`,
        postalCode: place.postalCode,
        city: place.city,
        country: 'France',
        origin: random.weighted(D.ORIGINS, D.ORIGIN_WEIGHTS),
        joinedAt,
        isVolunteer,
        newsletterOptIn: random.chance(0.6),
        imageRights: random.chance(0.55),
        notes: random.chance(0.05)
          ? random.pick([
              'Préfère être contacté par SMS.',
              'Membre du conseil d’administration.',
              'Allergie aux arachides (repas partagés).',
              'Disponible surtout pendant les vacances scolaires.',
            ])
          : null,
        availability: isVolunteer ? random.sample(ref.slots, random.int(1, 3)) : random.chance(0.2) ? [random.pick(ref.slots)] : [],
        skills: random.sample(ref.skills, isVolunteer ? random.int(0, 3) : random.weighted([0, 1], [70, 30])),
        poles: isVolunteer ? random.sample(ref.poles, random.weighted([1, 2], [70, 30])) : [],
        createdAt: at(joinedAt, random.int(9, 20), random.int(0, 59)),
      };
      // derived, as the rules middleware would (the bulk writer bypasses it)
      members.push({ ...member, displayName: memberDisplayName(member) });
      for (const [type, periodStart, periodEnd, paidAt] of dues) {
        const method = random.weighted(PAYMENT_METHODS, PAYMENT_WEIGHTS);
        reference++;
        contributions.push({
          memberIndex: i,
          membershipType: ref.types[type].id,
          amount: ref.types[type].amount,
          paidAt,
          periodStart,
          periodEnd,
          paymentMethod: method,
          reference:
            method === 'helloasso'
              ? `HA-${paidAt.slice(0, 4)}-${String(reference).padStart(6, '0')}`
              : method === 'cheque'
                ? `CHQ-${String(reference).padStart(7, '0')}`
                : method === 'transfer'
                  ? `VIR-${String(reference).padStart(7, '0')}`
                  : null,
          createdAt: at(paidAt, 18, random.int(0, 59)),
        });
      }
    }
    const memberIds = await bulk.insert(MEMBER, members);
    await bulk.insert(
      CONTRIBUTION,
      contributions.map(({ memberIndex, ...c }) => ({
        ...c,
        displayName: contributionDisplayName(c, members[memberIndex]),
        member: memberIds[memberIndex],
      }))
    );

    // ---- missions and participations -------------------------------------------------------
    const volunteers = members.map((m, i) => (m.isVolunteer ? i : -1)).filter((i) => i >= 0);
    const everyone = members.map((_, i) => i);
    // Two and a half years of history, and a season being planned: a quarter of the missions in the
    // next three months (the calendar, the public registrations and the dashboard have something ahead).
    const startDay = T.minus({ months: 30 });
    const pastDays = Math.floor(T.diff(startDay, 'days').days) - 1;
    const upcoming = Math.max(1, Math.round(sizes.missions / 4));
    const missionDays = Array.from({ length: sizes.missions }, (_, i) =>
      i < upcoming ? T.plus({ days: random.int(1, 90) }) : startDay.plus({ days: random.int(0, pastDays) })
    ).sort((a, b) => a.toMillis() - b.toMillis());
    const missions: Values[] = [];
    const plans: Array<{
      template: (typeof D.MISSION_TEMPLATES)[number];
      past: boolean;
      status: string;
      capacity: number | null;
      approval: boolean;
      publicRegistration: boolean;
    }> = [];
    const slugs = new Map<string, number>();
    missionDays.forEach((d, index) => {
      const template = random.pick(D.MISSION_TEMPLATES);
      const past = d < T;
      const status = past
        ? random.weighted(['done', 'cancelled'], [92, 8])
        : random.weighted(['planned', 'confirmed', 'cancelled'], [45, 50, 5]);
      const publicRegistration = template.public && random.chance(0.8);
      const capacity = publicRegistration ? random.pick([20, 30, 50, 80, 120]) : random.chance(0.3) ? random.pick([6, 8, 10, 15]) : null;
      const hour = template.kind === 'event' ? random.pick([10, 14, 19]) : random.pick([9, 14, 18]);
      const startAt = at(day(d), hour);
      const hours = random.int(template.hours[0], template.hours[1]);
      const title = `${template.title} – ${d.setLocale('fr').toFormat('d LLLL yyyy')}`;
      const base = slugify(title);
      const n = (slugs.get(base) ?? 0) + 1;
      slugs.set(base, n);
      const plannedCents = random.int(0, 40) * 5000;
      const venue = random.pick(D.VENUES);
      missions.push({
        title,
        slug: n === 1 ? base : `${base}-${n}`,
        summary: template.summary,
        description: paragraph(`${template.summary} Rendez-vous à ${venue.name}, ${venue.address}, ${venue.city}.`),
        kind: template.kind,
        startAt,
        endAt: new Date(startAt.getTime() + hours * 3600_000),
        location: venue,
        capacity,
        budgetPlanned: euros(plannedCents),
        budgetActual: past && status === 'done' ? euros(Math.round((plannedCents * random.int(75, 115)) / 100)) : null,
        equipment: random.sample(template.equipment, random.int(2, template.equipment.length)).map((item) => ({
          item,
          quantity: random.int(1, 12),
          status: past ? 'returned' : random.pick(['needed', 'reserved', 'available']),
        })),
        pole: ref.poleByName[template.pole],
        status,
        isPublic: template.public,
        publicRegistration,
        registrationRequiresApproval: publicRegistration && random.chance(0.25),
        internalNotes: random.chance(0.2)
          ? random.pick([
              'Prévoir les clés du local la veille.',
              'Penser à l’attestation d’assurance.',
              'Demander l’autorisation d’occupation du domaine public.',
            ])
          : null,
        createdAt: at(day(DateTime.min(d.minus({ days: random.int(15, 60) }), T)), 10),
      });
      plans.push({
        template,
        past,
        status,
        capacity,
        approval: publicRegistration && missions[index].registrationRequiresApproval,
        publicRegistration,
      });
    });
    const missionIds = await bulk.insert(MISSION, missions);

    const weights = plans.map((p) => (p.template.kind === 'event' ? 2 : 1));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const pools = plans.map((plan) => (plan.template.kind === 'event' ? everyone : volunteers.length ? volunteers : everyone));
    const limits = plans.map((plan, m) =>
      Math.min(
        pools[m].length + (plan.publicRegistration ? 1_000_000 : 0),
        plan.capacity ? (plan.past ? plan.capacity : Math.ceil(plan.capacity * 1.2)) : 1_000_000
      )
    );
    const counts = plans.map((_, m) => Math.min(limits[m], Math.max(1, Math.round((sizes.participations * weights[m]) / totalWeight))));
    // What the capacities cut goes to the activities that still have room, so the total stays about 2 per member.
    for (
      let missing = sizes.participations - counts.reduce((a, b) => a + b, 0), m = 0, stuck = 0;
      missing > 0 && stuck < plans.length;
      m = (m + 1) % plans.length
    ) {
      if (counts[m] < limits[m] && plans[m].status !== 'cancelled') {
        counts[m]++;
        missing--;
        stuck = 0;
      } else stuck++;
    }
    const participations: Values[] = [];
    plans.forEach((plan, m) => {
      const pool = pools[m];
      const count = counts[m];
      const outsiders = plan.publicRegistration ? Math.round(count * 0.2) : 0;
      const chosen = random.sample(pool, count - outsiders);
      const people: Array<number | null> = [...chosen, ...Array.from({ length: count - chosen.length }, () => null)];
      people.forEach((memberIndex, position) => {
        let status: string;
        if (plan.status === 'cancelled') status = 'cancelled';
        else if (plan.past) status = random.chance(0.86) ? 'attended' : 'absent';
        else if (plan.capacity && position >= plan.capacity) status = 'waitlisted';
        else status = random.chance(0.05) ? 'cancelled' : plan.approval && random.chance(0.4) ? 'pending' : 'confirmed';
        const row: Values = {
          mission: missionIds[m],
          status,
          role:
            memberIndex === null
              ? null
              : position === 0
                ? 'Responsable'
                : plan.template.kind === 'mission'
                  ? 'Bénévole'
                  : random.pick(['Bénévole', 'Participant', 'Participant']),
          hours: status === 'attended' ? String(random.int(plan.template.hours[0], plan.template.hours[1])) : null,
          source: memberIndex === null ? 'website' : random.chance(0.85) ? 'backoffice' : 'website',
          createdAt: new Date(Math.min(missions[m].startAt.getTime() - random.int(1, 20) * 86400_000, Date.now())),
        };
        if (memberIndex !== null) row.member = memberIds[memberIndex];
        else {
          const first = random.pick(random.chance(0.5) ? D.FEMALE_FIRST_NAMES : D.MALE_FIRST_NAMES);
          const last = random.pick(D.LAST_NAMES);
          Object.assign(row, {
            firstName: first,
            lastName: last,
            email: `${ascii(first)}.${ascii(last)}.${m}-${position}@example.org`,
            phone: random.chance(0.5) ? `06 ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)}` : null,
          });
        }
        row.displayName = participationDisplayName(row, memberIndex === null ? null : members[memberIndex]);
        participations.push(row);
      });
    });
    await bulk.insert(PARTICIPATION, participations);

    // ---- partners and subsidies ------------------------------------------------------------
    const partners: Values[] = [];
    for (let i = 0; i < sizes.partners; i++) {
      const known = D.PARTNERS[i];
      const generated = {
        name: `${random.pick(['Boulangerie', 'Garage', 'Cabinet', 'Pharmacie', 'Librairie', 'Menuiserie'])} ${random.pick(D.LAST_NAMES)} (${i + 1})`,
        kind: 'company' as const,
        contact: `${random.pick(D.FEMALE_FIRST_NAMES)} ${random.pick(D.LAST_NAMES)}`,
        website: '',
        description: 'Entreprise du quartier qui soutient nos actions.',
      };
      const p = known ?? generated;
      partners.push({
        name: p.name,
        kind: p.kind,
        contactName: p.contact,
        email: `contact@${slugify(p.name).slice(0, 30)}.example.fr`,
        phone: `04 7${random.int(0, 9)} ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)}`,
        website: p.website || null,
        description: p.description,
        since: day(T.minus({ days: random.int(60, 365 * 8) })),
        isPublic: random.chance(0.75),
      });
    }
    const partnerIds = await bulk.insert('api::partner.partner', partners);
    const funders = partners.map((p, i) => (p.kind === 'company' && i >= 6 ? -1 : i)).filter((i) => i >= 0);
    const subsidyStatuses = ['draft', 'submitted', 'granted', 'refused', 'paid', 'reported'] as const;
    const subsidies: Values[] = [];
    for (let i = 0; i < sizes.subsidies; i++) {
      const status = i < subsidyStatuses.length ? subsidyStatuses[i] : random.weighted(subsidyStatuses, [8, 15, 15, 10, 25, 27]);
      const decided = ['granted', 'refused', 'paid', 'reported'].includes(status);
      const year = status === 'draft' ? fy0.year + 1 : status === 'submitted' ? fy0.year + random.int(0, 1) : fy0.year - random.int(0, 2);
      const requested = random.int(4, 120) * 500_00;
      const granted = status === 'refused' ? 0 : Math.round((requested * random.int(50, 100)) / 100 / 100) * 100;
      const submitted =
        status === 'draft'
          ? null
          : DateTime.min(
              DateTime.fromObject({ year: year - 1, month: random.int(9, 12), day: random.int(1, 28) }),
              T.minus({ days: decided ? 120 : random.int(5, 60) })
            );
      const decidedAt = decided && submitted ? DateTime.min(submitted.plus({ days: random.int(30, 90) }), T.minus({ days: 45 })) : null;
      const receivedAt =
        (status === 'paid' || status === 'reported') && decidedAt ? DateTime.min(decidedAt.plus({ days: random.int(15, 40) }), T) : null;
      const reportDue = DateTime.fromObject({ year: year + 1, month: 6, day: 30 });
      subsidies.push({
        funder: partnerIds[funders[i % funders.length]],
        title: `${random.pick(D.SUBSIDY_TITLES)} ${year}`,
        fiscalYear: year,
        amountRequested: euros(requested),
        amountGranted: decided ? euros(granted) : null,
        amountReceived: receivedAt ? euros(granted) : null,
        status,
        submittedAt: submitted ? day(submitted) : null,
        decidedAt: decidedAt ? day(decidedAt) : null,
        receivedAt: receivedAt ? day(receivedAt) : null,
        reportDueAt:
          status === 'paid' || status === 'granted' || status === 'reported'
            ? day(status === 'reported' ? DateTime.min(reportDue, T.minus({ days: 10 })) : reportDue)
            : null,
        notes: status === 'refused' ? 'Dossier à retravailler pour la prochaine campagne.' : null,
      });
    }
    await bulk.insert('api::subsidy.subsidy', subsidies);

    // ---- donors and donations --------------------------------------------------------------
    const donors: Values[] = [];
    const donorIsCompany: boolean[] = [];
    for (let i = 0; i < sizes.donors; i++) {
      const company = random.chance(0.15);
      donorIsCompany.push(company);
      if (company) {
        const name = D.COMPANY_DONORS[i % D.COMPANY_DONORS.length] + (i >= D.COMPANY_DONORS.length ? ` (${i})` : '');
        const place = random.pick(D.CITIES);
        donors.push({
          kind: 'company',
          companyName: name,
          lastName: random.pick(D.LAST_NAMES),
          firstName: random.pick(D.MALE_FIRST_NAMES),
          email: `contact.${i}@${slugify(name).slice(0, 24)}.example.fr`,
          address: `${random.int(1, 90)} ${random.pick(D.STREETS)}`,
          postalCode: place.postalCode,
          city: place.city,
          country: 'France',
          ...companyIdentity(i),
        });
      } else if (random.chance(0.35)) {
        const m = random.int(0, members.length - 1);
        const member = members[m];
        donors.push({
          kind: 'individual',
          firstName: member.firstName,
          lastName: member.lastName,
          email: member.email,
          phone: member.phone,
          address: member.address,
          postalCode: member.postalCode,
          city: member.city,
          country: 'France',
          member: memberIds[m],
        });
      } else {
        const first = random.pick(random.chance(0.5) ? D.FEMALE_FIRST_NAMES : D.MALE_FIRST_NAMES);
        const last = random.pick(D.LAST_NAMES);
        const place = random.weighted(
          D.CITIES,
          D.CITIES.map((c) => c.weight)
        );
        donors.push({
          kind: 'individual',
          firstName: first,
          lastName: last,
          email: random.chance(0.8) ? `${ascii(first)}.${ascii(last)}.d${i}@example.org` : null,
          address: `${random.int(1, 140)} ${random.pick(D.STREETS)}`,
          postalCode: place.postalCode,
          city: place.city,
          country: 'France',
        });
      }
    }
    const donorIds = await bulk.insert(
      'api::donor.donor',
      donors.map((d) => ({ ...d, displayName: donorDisplayName(d) }))
    );
    const donations: Values[] = [];
    const firstDonationDay = T.minus({ years: 3 });
    for (let i = 0; i < sizes.donations; i++) {
      const d = i < donors.length ? i : random.int(0, donors.length - 1);
      const company = donorIsCompany[d];
      // More gifts at the end of the year (tax receipts).
      const when = random.chance(0.3)
        ? DateTime.fromObject({ year: T.year - random.int(T.month === 12 ? 0 : 1, 3), month: 12, day: random.int(1, 31) })
        : firstDonationDay.plus({ days: random.int(0, Math.floor(T.diff(firstDonationDay, 'days').days)) });
      const receivedAt = DateTime.max(DateTime.min(when, T), firstDonationDay);
      const nature = random.weighted(
        ['cash', 'in_kind', 'waived_expenses'] as const,
        company ? [70, 30, 0] : [90, 3, donors[d].member ? 7 : 0]
      );
      const method = nature === 'cash' ? random.weighted(PAYMENT_METHODS, [8, 25, 30, 12, 24, 1]) : 'other';
      const amount = company
        ? random.pick([150, 200, 300, 500, 800, 1000, 2500]) * 100
        : random.weighted([1000, 2000, 3000, 5000, 10000, 15000, 20000, 50000], [10, 20, 15, 25, 15, 6, 6, 3]);
      donations.push({
        donor: donorIds[d],
        amount: euros(amount),
        receivedAt: day(receivedAt),
        method,
        nature,
        campaign: random.pick(D.CAMPAIGNS),
        reference: method === 'cash' || method === 'other' ? null : `DON-${receivedAt.year}-${String(i + 1).padStart(6, '0')}`,
        // what a tax receipt prints for a gift in kind or waived expenses
        description:
          nature === 'in_kind'
            ? random.pick(['Denrées alimentaires', 'Matériel informatique', 'Fournitures scolaires', 'Impression d’affiches'])
            : nature === 'waived_expenses'
              ? 'Frais de déplacement abandonnés'
              : null,
        createdAt: at(day(receivedAt), 11),
      });
    }
    await bulk.insert('api::donation.donation', donations);
  });

  // Fresh statistics, or PostgreSQL plans the next queries as if the tables were still empty.
  if (isPostgres(strapi)) await strapi.db.connection.raw('ANALYZE');
  log('Calcul des dates de fin de cotisation...');
  await recomputeAllDuesPaidUntil(strapi);

  log('Articles, images et documents internes...');
  await createArticles(strapi, random, T);
  await createDocuments(strapi, T);
  log('Comptabilité : comptes, catégories et écritures...');
  await seedBooks(strapi, today, fyMonth);
  // once more: duesPaidUntil was empty at the first ANALYZE (a range on it would be planned as empty)
  if (isPostgres(strapi)) await strapi.db.connection.raw('ANALYZE');

  const counts = await countContent(strapi);
  return { sizes, counts, today, durationMs: Date.now() - started };
};

/** The association's settings: kept when they exist (the bureau may have set them), else the demo ones. */
const upsertAssociation = async (strapi: Strapi) => {
  const service = strapi.documents('api::association.association');
  const existing = await service.findFirst({});
  if (existing) return existing;
  const signature = await uploadBuffer(
    strapi,
    await signaturePng(D.RECEIPT_SETTINGS.receiptSignatoryName),
    'signature-tresoriere.png',
    'image/png',
    'Signature de la trésorière'
  );
  return await service.create({ data: { ...D.ASSOCIATION, ...D.RECEIPT_SETTINGS, receiptSignature: signature.id } as DocumentData });
};

/** A company donor's legal form and SIREN (what its tax receipt prints), derived from its rank: no draw. */
const companyIdentity = (i: number) => ({
  legalForm: ['SARL', 'SAS', 'SA', 'EURL'][i % 4],
  siren: String(400_000_000 + ((i * 7_919) % 99_999_999)),
});

/** Poles, skills, availability slots and membership types: reused by name when they exist. */
const referenceData = async (strapi: Strapi, trx: Knex.Transaction, bulk: BulkWriter) => {
  const ensure = async (uid: string, key: string, wanted: Values[]) => {
    const rows: Values[] = await trx(table(strapi, uid)).select('*');
    const byKey = new Map(rows.map((r) => [String(r[key]), r]));
    const missing = wanted.filter((w) => !byKey.has(String(w[key])));
    const ids = await bulk.insert(uid, missing);
    missing.forEach((w, i) => byKey.set(String(w[key]), { ...w, id: ids[i] }));
    return wanted.map((w) => byKey.get(String(w[key]))!);
  };
  const poles = await ensure('api::pole.pole', 'name', D.POLES);
  const skills = await ensure(
    'api::skill.skill',
    'name',
    D.SKILLS.map((name) => ({ name }))
  );
  const slots = await ensure(
    'api::availability-slot.availability-slot',
    'code',
    D.AVAILABILITY_SLOTS.map((s, i) => ({ ...s, position: i + 1 }))
  );
  const typeRows = await ensure(
    'api::membership-type.membership-type',
    'name',
    D.MEMBERSHIP_TYPES.map(({ key, ...t }) => ({ ...t, amount: euros(t.amount * 100), reminderDays: [30, 7, 0, -30], active: true }))
  );
  const types: Record<string, { id: number; amount: string }> = {};
  D.MEMBERSHIP_TYPES.forEach(
    (t, i) => (types[t.key] = { id: typeRows[i].id, amount: euros(Math.round(Number(typeRows[i].amount) * 100)) })
  );
  return {
    poles: poles.map((p) => p.id as number),
    poleByName: Object.fromEntries(poles.map((p) => [p.name, p.id as number])),
    skills: skills.map((s) => s.id as number),
    slots: slots.map((s) => s.id as number),
    types,
  };
};

/** Published articles with a generated cover (and a small gallery for some), dated over the last months. */
const createArticles = async (strapi: Strapi, random: Random, T: DateTime) => {
  const articles = strapi.documents('api::article.article');
  for (const [i, a] of D.ARTICLES.entries()) {
    const cover = await uploadBuffer(strapi, await coverPng(a.title, a.color, i), `${slugify(a.title)}.png`, 'image/png', a.title);
    const gallery = [];
    if (i % 3 === 0) {
      for (let g = 1; g <= 2; g++)
        gallery.push(
          (
            await uploadBuffer(
              strapi,
              await coverPng(`${a.title} (${g})`, a.color, i * 10 + g),
              `${slugify(a.title)}-${g}.png`,
              'image/png',
              `${a.title}, photo ${g}`
            )
          ).id
        );
    }
    const created = await articles.create({
      data: {
        title: a.title,
        excerpt: a.excerpt,
        body: a.paragraphs.flatMap(paragraph),
        category: a.category,
        cover: cover.id,
        gallery,
      } as DocumentData,
      status: 'published',
    });
    // Spread the publication dates, newest first, so the website's news list looks lived in.
    const publishedAt = at(day(T.minus({ days: i * 17 + random.int(0, 5) })), 9);
    await strapi.db
      .query('api::article.article')
      .updateMany({ where: { documentId: created.documentId }, data: { createdAt: publishedAt, updatedAt: publishedAt } });
    await strapi.db
      .query('api::article.article')
      .updateMany({ where: { documentId: created.documentId, publishedAt: { $notNull: true } }, data: { publishedAt } });
  }
};

/** The internal documents (statutes, minutes, financial report...), some confidential, each with a PDF. */
const createDocuments = async (strapi: Strapi, T: DateTime) => {
  for (const [i, d] of D.DOCUMENTS.entries()) {
    const pdf = await simplePdf(d.title, [
      D.ASSOCIATION.name,
      d.description,
      d.confidential ? 'Document confidentiel : réservé au bureau.' : 'Document diffusable aux adhérents.',
    ]);
    const file = await uploadBuffer(strapi, pdf, `${slugify(d.title)}.pdf`, 'application/pdf', d.title);
    await strapi.documents('api::document.document').create({
      data: {
        title: d.title,
        category: d.category,
        confidential: d.confidential,
        description: d.description,
        documentDate: day(T.minus({ days: 30 + i * 45 })),
        file: file.id,
      } as DocumentData,
    });
  }
};

/** French labels of the summary, in the order a volunteer reads them. */
export const SUMMARY_LABELS: Record<string, string> = {
  'api::member.member': 'Adhérents',
  'api::contribution.contribution': 'Cotisations',
  'api::mission.mission': 'Missions et événements',
  'api::participation.participation': 'Participations',
  'api::partner.partner': 'Partenaires',
  'api::subsidy.subsidy': 'Subventions',
  'api::donor.donor': 'Donateurs',
  'api::donation.donation': 'Dons',
  'api::article.article': 'Articles publiés',
  'api::document.document': 'Documents internes',
  'api::ledger-entry.ledger-entry': 'Écritures comptables',
};
