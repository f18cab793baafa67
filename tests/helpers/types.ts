/**
 * Types shared by the suites: what a test reads of an answer, of a record or of Strapi. Each suite
 * names its own small interfaces for the answers it checks field by field; these are the common ones.
 */
import type { Modules, UID } from '@strapi/strapi';

/** A record of a content type as the Document Service returns it (generated types; relations present when populated). */
export type Doc<T extends UID.ContentType> = Modules.Documents.Document<T>;

/** A JSON object (an answer's row, a request's body, a record's fields), read field by field. */
export type Json = Record<string, unknown>;

/** A record a test created or read (through the Document Service or an answer): its ids, its other fields read by name. */
export interface Saved {
  id?: number;
  documentId: string;
  [field: string]: unknown;
}

/** A list of the content manager: `GET /content-manager/collection-types/<uid>`. */
export interface CmList<T = Json> {
  results: T[];
  pagination?: { page: number; pageSize: number; pageCount: number; total: number };
}

/** A row of the upload plugin's files (`plugin::upload.file`): the original and its resized formats. */
export interface UploadedFile {
  id: number;
  name: string;
  url: string;
  mime: string;
  formats?: Record<string, { url: string; [field: string]: unknown }> | null;
  [field: string]: unknown;
}

/** A route of a content-API router, as Strapi loads it into `strapi.apis[name].routes`. */
export interface LoadedRoute {
  method: string;
  path: string;
  /** 'api::x.x.find', or 'x.find' relative to its api, or a function */
  handler: string | ((...args: unknown[]) => unknown);
  config?: { auth?: false | Record<string, unknown> };
}

/** An api as Strapi loads it into `strapi.apis`: its routers, each with its routes. */
export interface LoadedApi {
  routes?: Record<string, { routes?: LoadedRoute[] }>;
}

/** An error thrown by the code under test (a French error of src/core/errors.ts, or a plain Error). */
export type Thrown = Error & { status?: number; details?: { errors?: Array<{ path: string[]; message: string }> } };

/** An order of the HelloAsso stand-in (tests/helpers/helloasso-stand-in.js, makeOrder): what the suites read of it. */
export interface HelloAssoOrder {
  id: number;
  payments: Array<{ id: number; [field: string]: unknown }>;
  [field: string]: unknown;
}

/** The HelloAsso stand-in (tests/helpers/helloasso-stand-in.js, plain JS): what the suites use of it. */
export interface HelloAssoStandIn {
  state: {
    orders: HelloAssoOrder[];
    forms: Json[];
    /** access token → expiresAt (ms) */
    tokens: Map<string, number>;
    failures: Array<{ match: RegExp; status: number; count: number }>;
    requests: Array<{ method: string; path: string; query: string }>;
    /** the grant_type of each call to the token endpoint */
    tokenGrants: string[];
  };
  base: string;
  env: Record<string, string>;
  failNext: (match: RegExp, count?: number, status?: number) => void;
  expireTokens: () => void;
  expireTokensAfter: (count: number) => void;
  stop: () => Promise<void>;
}
