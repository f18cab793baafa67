import fs from 'fs';
import path from 'path';
import { badRequest, ErrorDetails, fieldError } from '../../core/errors';
import type { Strapi, Values } from '../types';
import { imagesFolder } from '../media/s3';
import { enumLabel, labelOf } from '../../contract/labels';

const ASSOCIATION = 'api::association.association';

/** What every receipt prints about the association, frozen into the receipt when it is issued. */
export interface IssuerSettings {
  name: string;
  rna: string | null;
  siren: string | null;
  address: string;
  postalCode: string;
  city: string;
  object: string;
  category: string;
  /** the category as printed (its label, or the detail for « Autre organisme ») */
  categoryLabel: string;
  articles: { a200: boolean; a978: boolean; a238bis: boolean };
  signatoryName: string;
  signatoryCapacity: string;
  /** the images' files on disk (the local provider's, or local copies of the S3 objects), null when none or not readable */
  logoPath: string | null;
  signaturePath: string | null;
}

const localFile = async (strapi: Strapi, file: { url?: string | null } | null | undefined): Promise<string | null> => {
  const url = file?.url;
  if (!url || !url.startsWith('/') || !/\.(png|jpe?g)$/i.test(url)) return null;
  const full = path.join(await imagesFolder(strapi, [url]), url);
  return fs.existsSync(full) ? full : null;
};

/**
 * The association's receipt settings, or a French 400 listing every missing one: without them no
 * receipt may be issued (a receipt missing a mention would not pass a tax inspection).
 */
export const issuerSettings = async (strapi: Strapi): Promise<IssuerSettings> => {
  // the association's record, its fields checked one by one below
  const a: Values | null = await strapi.db.query(ASSOCIATION).findOne({ populate: { logo: true, receiptSignature: true } });
  const missing: string[] = [];
  const need = (field: string, ok: boolean) => {
    if (!ok) missing.push(field);
  };
  if (!a) throw badRequest('Association : renseignez d’abord la page « Association » (nom, adresse, réglages des reçus fiscaux).', 'name');
  if (!a.receiptsEnabled) {
    throw fieldError(
      ASSOCIATION,
      'receiptsEnabled',
      'l’association n’est pas autorisée à émettre des reçus fiscaux (cochez la case dans la page « Association » si elle l’est).'
    );
  }
  const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  need('name', filled(a.name));
  if (!filled(a.siren) && !filled(a.rna)) missing.push('siren');
  need('address', filled(a.address));
  need('postalCode', filled(a.postalCode));
  need('city', filled(a.city));
  need('object', filled(a.object));
  need('receiptCategory', filled(a.receiptCategory));
  if (a.receiptCategory === 'other') need('receiptCategoryDetail', filled(a.receiptCategoryDetail));
  need('receiptArticle200', Boolean(a.receiptArticle200 || a.receiptArticle978 || a.receiptArticle238bis));
  need('receiptSignatoryName', filled(a.receiptSignatoryName));
  need('receiptSignatoryCapacity', filled(a.receiptSignatoryCapacity));
  const signaturePath = await localFile(strapi, a.receiptSignature);
  need('receiptSignature', Boolean(signaturePath));
  if (missing.length) {
    const names = missing.map((f) =>
      f === 'siren'
        ? 'N° SIREN ou N° RNA'
        : f === 'receiptArticle200'
          ? 'Reçus fiscaux : au moins un article du CGI (200, 978 ou 238 bis)'
          : labelOf(ASSOCIATION, f)
    );
    const refused = badRequest(
      `Association : renseignez d’abord ${names.map((n) => `« ${n} »`).join(', ')} dans la page « Association » pour émettre des reçus fiscaux.`,
      missing[0]
    );
    // every missing field named, each with its own message
    (refused.details as ErrorDetails).errors = missing.map((f) => ({
      path: [f],
      message: `${labelOf(ASSOCIATION, f)} : obligatoire pour émettre des reçus fiscaux`,
      name: 'ValidationError',
    }));
    throw refused;
  }
  return {
    name: a.name,
    rna: a.rna || null,
    siren: a.siren || null,
    address: a.address,
    postalCode: a.postalCode,
    city: a.city,
    object: a.object,
    category: a.receiptCategory,
    categoryLabel:
      a.receiptCategory === 'other'
        ? `${enumLabel(ASSOCIATION, 'receiptCategory', 'other')} : ${a.receiptCategoryDetail}`
        : enumLabel(ASSOCIATION, 'receiptCategory', a.receiptCategory),
    articles: { a200: Boolean(a.receiptArticle200), a978: Boolean(a.receiptArticle978), a238bis: Boolean(a.receiptArticle238bis) },
    signatoryName: a.receiptSignatoryName,
    signatoryCapacity: a.receiptSignatoryCapacity,
    logoPath: await localFile(strapi, a.logo?.formats?.small ?? a.logo),
    signaturePath,
  };
};
