import type { Knex } from 'knex';
import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import type { Ability } from './access/content-manager-guard';

export type Strapi = Core.Strapi;

/**
 * A back-office request: Koa's context, with what Strapi adds to it (the parsed body and uploaded
 * files, and the signed-in administrator with their abilities).
 */
export interface AdminContext extends Context {
  request: Context['request'] & {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, read field by field by each route
    body?: any;
    files?: Record<string, unknown>;
  };
  state: {
    user?: { id: number; firstname?: string | null; lastname?: string | null; email: string; roles?: Array<{ code: string }> };
    /** Strapi's CASL ability for this administrator (what our code uses of it) */
    userAbility?: Ability;
  };
}

/** An admin route mounted under /back-office, guarded by admin authentication and RBAC actions. */
export interface BackOfficeRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /**
   * RBAC action ids (see permissions.ts), or [content-manager action, content type uid] for a right on
   * a content type; the admin needs all of them.
   */
  actions: Array<string | [action: string, subject: string]>;
  handler: (ctx: AdminContext) => Promise<void> | void;
}

export interface CronJob {
  /** cron rule, in the association's timezone (Europe/Paris) */
  rule: string;
  task: (args: { strapi: Strapi }) => Promise<unknown> | unknown;
}

/** A record's values by field (any: a value of any field type, as Strapi's own records are typed). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Strapi types a record's values as any
export type Values = Record<string, any>;

/**
 * The `data` handed to strapi.documents(uid).create/update, checked at run time by the write pipeline.
 * Strapi types it from the generated schemas (enums as literal unions, relations in several shapes),
 * which a status held in a string variable or a relation given by documentId does not satisfy.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Strapi's document-service input generics
export type DocumentData = any;

/** A content type's attribute, as the write pipeline and the generic checks read it from the schema. */
export interface Attribute {
  type: string;
  required?: boolean;
  unique?: boolean;
  default?: unknown;
  maxLength?: number;
  min?: number;
  max?: number;
  enum?: string[];
  relation?: string;
  target?: string;
  mappedBy?: string;
}
export type Attributes = Record<string, Attribute>;

/** One write to a content type, as the write pipeline (rules/index.ts) hands it to a module's write rules. */
export interface WriteContext {
  strapi: Strapi;
  uid: string;
  action: 'create' | 'update' | 'delete' | 'clone';
  /** create or clone */
  creating: boolean;
  cloning: boolean;
  /** documentId of the written record (undefined for a creation or a duplicate) */
  documentId?: string;
  /** what will be written: `prepare` may fill or remove fields; empty for a deletion */
  data: Values;
  /** the record before the write (to-one relations as documentIds), null for a creation or a duplicate */
  stored: Values | null;
  /**
   * the record's values after the write (to-one relations as documentIds): the duplicated record's values
   * for a duplicate, the stored record for a deletion. In `prepare`, as the caller sent it; from `check`
   * on, with what every `prepare` changed.
   */
  merged: Values;
  /** the request's transaction, in beforeWrite/afterWrite (knex transaction: trx.raw, strapi.db.query joins it) */
  trx?: Knex.Transaction;
  /**
   * In beforeWrite/afterWrite: runs `task` once the write's transaction is committed (e-mails), never
   * when it is rolled back. Awaited before the write returns when the write opened the transaction.
   */
  afterCommit: (task: () => Promise<unknown> | unknown) => void;
  /**
   * Reference data read once for many writes (createMany: the membership types, the association's
   * settings): `readOnce(write, key, load)` (rules/index.ts) calls `load` once per key and batch.
   * Absent for a single write, where `load` runs each time.
   */
  once?: <T>(key: string, load: () => Promise<T>) => Promise<T>;
}

/** What the writes of a batch (createMany) share: everything of a write but the record itself. */
export type WriteBatch = Omit<WriteContext, 'documentId' | 'data' | 'stored' | 'merged'>;

/**
 * A module's rules for one content type, called by the single write pipeline in this order:
 * prepare (defaults, derived values) → the generic checks (schema, required relations) → check
 * (refuse with a French error, nothing written) → beforeWrite → the write → afterWrite. When a rule
 * says it needs one, beforeWrite, the write and afterWrite share one transaction: no reader sees
 * the write without its derived fields.
 *
 * A deletion runs check (to refuse it), then needsTransaction, beforeWrite and afterWrite; never prepare.
 * Several modules may have rules for one content type: they run in the order of the module list
 * (src/back-office/index.ts), and a module may give a list of rules for one type.
 */
export interface WriteRule {
  /** relations the record cannot exist without: required on the record, and never emptied nor deleted from the other side */
  requiredRelations?: string[];
  /** what to do instead of deleting a record others still need, added to the refusal (e.g. « passez la mission en « Annulée » ») */
  deleteAdvice?: string;
  prepare?: (write: WriteContext) => Promise<void> | void;
  /**
   * Before `prepare`, for a slice of creations written together (createMany, rules/many.ts): reads at once
   * what `prepare` would read record by record, into the batch's `once` (readOnce, same keys), so that
   * `prepare` stays the one place of the rule. `batch`: the shared context (strapi, uid, once, trx);
   * `records`: the slice's records as the caller gave them (relations in any of Strapi's shapes:
   * relationChange). Never called for a single write.
   */
  prepareMany?: (batch: WriteBatch, records: Values[]) => Promise<void> | void;
  check?: (write: WriteContext) => Promise<void> | void;
  /**
   * whether this write needs the transaction (beforeWrite/afterWrite run only when it returns true);
   * without it, a rule that has beforeWrite or afterWrite always gets the transaction
   */
  needsTransaction?: (write: WriteContext) => Promise<boolean> | boolean;
  beforeWrite?: (write: WriteContext) => Promise<void> | void;
  /** `result`: what the write returned (the written document; for a deletion, Strapi's answer) */
  afterWrite?: (write: WriteContext, result: Values | null) => Promise<void> | void;
  /**
   * The same as beforeWrite / afterWrite for many creations written together (createMany, rules/many.ts),
   * in their transaction: `writes` are the batch's writes (the rule picks those it concerns, as its
   * needsTransaction would). createMany calls beforeWriteMany once per slice of a few thousand records,
   * and afterWriteMany once for the whole batch, each write then carrying only its documentId and its
   * to-one relations in `merged` (documentIds); deleteMany calls both once, with the stored records. A rule that needs the transaction on a creation and has
   * no *Many variant makes createMany write those records one by one through the Document Service.
   */
  beforeWriteMany?: (writes: WriteContext[]) => Promise<void> | void;
  afterWriteMany?: (writes: WriteContext[]) => Promise<void> | void;
}

/**
 * One feature of the back-office (dues, exports, stats...). src/back-office/index.ts lists them;
 * each declares its admin routes, its jobs and its register/bootstrap hooks in its own folder.
 */
export interface BackOfficeModule {
  name: string;
  routes?: BackOfficeRoute[];
  /** cron jobs by name; not scheduled when server.cron.enabled is false (CRON_ENABLED=false) */
  cron?: (strapi: Strapi) => Record<string, CronJob>;
  /** per content type write rules, run by the write pipeline (rules/index.ts) on every write path */
  writeRules?: Record<string, WriteRule | WriteRule[]>;
  register?: (strapi: Strapi) => void;
  bootstrap?: (strapi: Strapi) => Promise<void> | void;
}
