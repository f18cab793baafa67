import path from 'path';
import { badRequest } from '../../core/errors';

/**
 * The media library's allow-list: the only extensions a stored file may have, the content each one
 * must be detected as, and the Content-Type it is served with. Nothing outside this table is ever
 * stored, and a file on disk outside it (older uploads, a copy by hand) is served as an anonymous
 * download, never as a page or a script of our origin.
 */
interface FileType {
  /** Content-Type sent with the file */
  served: string;
  /** types that content detection may give for it; empty: text, which no detector recognises */
  detected: string[];
  /** shown in the browser (raster images only); everything else is downloaded */
  inline?: boolean;
}

const ZIP = 'application/zip'; // OpenDocument and Office 2007+ files are ZIP archives
const CFB = 'application/x-cfb'; // Office 97-2003 files are OLE compound files
const ODT = 'application/vnd.oasis.opendocument.text';
const ODS = 'application/vnd.oasis.opendocument.spreadsheet';
const ODP = 'application/vnd.oasis.opendocument.presentation';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

export const FILE_TYPES: Record<string, FileType> = {
  '.jpg': { served: 'image/jpeg', detected: ['image/jpeg'], inline: true },
  '.jpeg': { served: 'image/jpeg', detected: ['image/jpeg'], inline: true },
  '.png': { served: 'image/png', detected: ['image/png', 'image/apng'], inline: true },
  '.gif': { served: 'image/gif', detected: ['image/gif'], inline: true },
  '.webp': { served: 'image/webp', detected: ['image/webp'], inline: true },
  '.avif': { served: 'image/avif', detected: ['image/avif'], inline: true },
  // Downloaded, not shown: browsers refuse to run their PDF viewer under the `sandbox` policy below.
  '.pdf': { served: 'application/pdf', detected: ['application/pdf'] },
  '.odt': { served: ODT, detected: [ODT, ZIP] },
  '.ods': { served: ODS, detected: [ODS, ZIP] },
  '.odp': { served: ODP, detected: [ODP, ZIP] },
  '.docx': { served: DOCX, detected: [DOCX, ZIP] },
  '.xlsx': { served: XLSX, detected: [XLSX, ZIP] },
  '.pptx': { served: PPTX, detected: [PPTX, ZIP] },
  '.doc': { served: 'application/msword', detected: [CFB] },
  '.xls': { served: 'application/vnd.ms-excel', detected: [CFB] },
  '.ppt': { served: 'application/vnd.ms-powerpoint', detected: [CFB] },
  '.txt': { served: 'text/plain; charset=utf-8', detected: [] },
  '.csv': { served: 'text/csv; charset=utf-8', detected: [] },
};

/** For Strapi's own upload check (a first, coarser filter): the types of the table, as detected or declared. */
export const ALLOWED_MIME_TYPES = [
  ...new Set(Object.values(FILE_TYPES).flatMap((t) => [t.served.split(';')[0], ...t.detected.filter((d) => d !== ZIP)])),
];

export const TYPE_MESSAGE =
  'Fichier : ce type de fichier n’est pas accepté. Types acceptés : images (JPEG, PNG, GIF, WebP, AVIF), PDF, documents bureautiques (odt, ods, odp, docx, xlsx, pptx, doc, xls, ppt), texte (txt) et CSV.';

/** The table's entry for a stored extension (case does not matter), or undefined. */
export const fileTypeOf = (ext: string): FileType | undefined =>
  Object.prototype.hasOwnProperty.call(FILE_TYPES, ext.toLowerCase()) ? FILE_TYPES[ext.toLowerCase()] : undefined;

/** How a stored file name is served: the table's type, or an anonymous download. */
export const servedAs = (fileName: string): { type: string; inline: boolean } => {
  const type = fileTypeOf(path.extname(fileName));
  return type ? { type: type.served, inline: type.inline === true } : { type: 'application/octet-stream', inline: false };
};

/*
 * Content detection: `file-type`, the library Strapi's upload check uses. It is an ES module, which
 * Strapi loads with import(); that fails silently inside Jest, so we load it through Node's own
 * module system (require of an ES module, Node >= 20.19), falling back to a native import().
 */
type Detector = {
  fileTypeFromFile: (p: string) => Promise<{ mime: string } | undefined>;
  fileTypeFromBuffer: (b: Uint8Array) => Promise<{ mime: string } | undefined>;
};
let detector: Promise<Detector> | undefined;
const loadDetector = (): Promise<Detector> => {
  detector ??= (async () => {
    const nodeModule = process.getBuiltinModule?.('module') ?? require('module');
    try {
      return nodeModule.createRequire(__filename)('file-type');
    } catch {
      return new Function('specifier', 'return import(specifier)')('file-type');
    }
  })();
  return detector;
};

/** The type detected from the first bytes of a file (a path or a buffer), or undefined (text, unknown). */
export const detectType = async (source: string | Buffer): Promise<string | undefined> => {
  const { fileTypeFromFile, fileTypeFromBuffer } = await loadDetector();
  const result = typeof source === 'string' ? await fileTypeFromFile(source) : await fileTypeFromBuffer(new Uint8Array(source));
  return result?.mime;
};

// Characters that make a name read differently from what it is (right-to-left override...).
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const refuse = (message: string) => badRequest(message, 'files');

/** A file as Strapi's body parser (formidable) or a script hands it to the upload service. */
export interface IncomingFile {
  filepath?: string;
  path?: string;
  buffer?: Buffer;
  originalFilename?: string | null;
  name?: string;
  mimetype?: string | null;
  detectedMimeType?: string;
}

const nameOf = (file: IncomingFile) => file.originalFilename ?? file.name ?? '';

/**
 * Checks one file before it is stored: its name ends with an extension of the table, and its bytes
 * are what that extension says. Strapi keeps the file's own extension and the public folder is served
 * by extension, so a GIF named `x.html` would otherwise become a page of our origin.
 * `storedExt`: for a replacement, the extension the file keeps (its address does not change), which
 * the new bytes must match as well. Returns the type to record; throws a French 400 naming `files`.
 */
export const checkFile = async (file: IncomingFile, options: { storedExt?: string } = {}): Promise<string> => {
  const name = nameOf(file);
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  if (BIDI_CONTROLS.test(name))
    throw refuse(`Fichier « ${shown} » : le nom contient des caractères de contrôle qui masquent sa véritable extension.`);
  const ext = path.extname(name);
  const type = fileTypeOf(ext);
  if (!type)
    throw refuse(`${TYPE_MESSAGE} « ${shown} » : ${ext ? `l’extension ${ext} n’est pas acceptée` : 'le nom n’a pas d’extension'}.`);
  const source = file.filepath ?? file.path ?? file.buffer;
  if (!source) throw refuse(`Fichier « ${shown} » : contenu illisible.`);
  const detected = await detectType(source);
  const agrees = (t: FileType) => (t.detected.length ? !!detected && t.detected.includes(detected) : !detected);
  if (!agrees(type)) {
    throw refuse(
      `Fichier « ${shown} » : son contenu${detected ? ` (${detected})` : ''} ne correspond pas à son extension ${ext} ; renommez-le avec la bonne extension.`
    );
  }
  if (options.storedExt !== undefined) {
    const stored = fileTypeOf(options.storedExt);
    if (!stored || stored.served !== type.served) {
      throw refuse(
        `Fichier « ${shown} » : un fichier remplacé garde son adresse et son extension (${options.storedExt || 'aucune'}) ; le remplaçant doit être du même type. Ajoutez-le plutôt comme nouveau fichier.`
      );
    }
  }
  // the type recorded in the media library is the one the extension stands for
  const recorded = type.served.split(';')[0];
  file.detectedMimeType = recorded;
  return recorded;
};
