import type { TestApp } from '../helpers/strapi';
import type { Doc, Json } from '../helpers/types';

export const RECEIPT = 'api::receipt.receipt';
export const DONOR = 'api::donor.donor';
export const DONATION = 'api::donation.donation';
export const ASSOCIATION = 'api::association.association';

/** The calendar year in Paris today: receipts are numbered in their year of issue. */
export const ISSUE_YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Paris', year: 'numeric' }).format(new Date()));
/** The year whose donations the tests receipt (as in January, for last year). */
export const GIFT_YEAR = 2025;

/** An 8×8 PNG (the signature image and the logo). */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGNQcGjAihiGlgQAygM4AbBvOSMAAAAASUVORK5CYII=',
  'base64'
);

export const uploadImage = async (app: TestApp, name: string) => {
  const res = await app.admin('post', '/upload').attach('files', PNG, { filename: name, contentType: 'image/png' });
  if (res.status !== 201) throw new Error(`upload ${name} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body[0].id as number;
};

/** The association with every receipt setting filled in (through the Document Service, like the admin). */
export const configureReceipts = async (app: TestApp, extra: Json = {}) => {
  const signature = await uploadImage(app, 'signature.png');
  const logo = await uploadImage(app, 'logo.png');
  const docs = app.strapi.documents(ASSOCIATION);
  const data = {
    name: 'Solidarités Rhône Ensemble',
    siren: '812345678',
    rna: 'W691234567',
    address: '3 place Bellecour',
    postalCode: '69002',
    city: 'Lyon',
    object: 'Aide alimentaire et accompagnement des personnes isolées',
    logo,
    receiptsEnabled: true,
    receiptCategory: 'general_interest',
    receiptArticle200: true,
    receiptArticle978: false,
    receiptArticle238bis: true,
    receiptSignatoryName: 'Claire Martin',
    receiptSignatoryCapacity: 'Trésorière',
    receiptSignature: signature,
    ...extra,
  };
  const existing = await docs.findFirst();
  if (existing) await docs.update({ documentId: existing.documentId, data });
  else await docs.create({ data });
};

let n = 0;
export const donor = async (app: TestApp, data: Json = {}) => {
  n += 1;
  return app.strapi.documents(DONOR).create({
    data: {
      kind: 'individual',
      lastName: `Donateur${n}`,
      firstName: 'Anne',
      address: `${n} rue des Lilas`,
      postalCode: '69003',
      city: 'Lyon',
      ...data,
    },
  });
};

export const donation = async (app: TestApp, donorId: string, data: Json = {}) =>
  app.strapi
    .documents(DONATION)
    .create({ data: { donor: donorId, amount: 50, receivedAt: `${GIFT_YEAR}-03-15`, method: 'cheque', nature: 'cash', ...data } });

/** Every receipt stored, in number order. */
export const storedReceipts = async (app: TestApp): Promise<Doc<'api::receipt.receipt'>[]> =>
  app.strapi.db
    .query(RECEIPT)
    .findMany({ orderBy: [{ numberYear: 'asc' }, { sequence: 'asc' }], populate: { donations: { select: ['documentId'] } } });
