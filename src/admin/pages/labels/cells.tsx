import { Typography } from '@strapi/design-system';
import { formatCount, formatDate, formatDateTime, formatEuros, formatNumber, formatYear } from '../../../contract/format';
import { enumValueLabel, isEuroField, isIdentifierField } from './resolve';

/**
 * The content manager's list cells in French (its own cells show raw enumeration values, dates in
 * words with the weekday, amounts without €, years as « 2 027 », booleans as Activé/Désactivé):
 * dates jj/mm/aaaa, amounts 12,50 €, years 2027, Oui/Non, enumeration values by their French names
 * (src/contract/labels.ts), a relation shown by a date as jj/mm/aaaa.
 */
interface Attribute {
  type: string;
  enum?: string[];
  relation?: string;
}
interface Header {
  name: string;
  attribute?: Attribute;
  mainField?: { name: string; type?: string };
  cellFormatter?: unknown;
}

const EMPTY = '-';
const SINGLE_RELATIONS = ['oneToOne', 'manyToOne', 'oneToOneMorph'];

/** The text of a cell, or null when Strapi's own cell is already right (strings, relations lists, media…). */
export const cellText = (
  uid: string,
  field: string,
  attribute: Attribute,
  value: unknown,
  mainField?: Header['mainField']
): string | null => {
  const missing = value === null || value === undefined || value === '';
  switch (attribute.type) {
    case 'enumeration':
      return missing ? EMPTY : enumValueLabel(uid, field, String(value), attribute.enum);
    case 'date':
      return missing ? EMPTY : formatDate(String(value));
    case 'datetime':
      return missing ? EMPTY : formatDateTime(value as string, 'medium');
    case 'boolean':
      return value === null || value === undefined ? EMPTY : value ? 'Oui' : 'Non';
    case 'decimal':
    case 'float':
      if (typeof value !== 'number' && missing) return EMPTY;
      return isEuroField(uid, field) ? formatEuros(value as number) : formatNumber(value as number);
    case 'integer':
    case 'biginteger':
      if (missing) return EMPTY;
      return isIdentifierField(field) ? formatYear(value as number) : formatCount(value as number);
    case 'relation': {
      // a to-one relation shown by a date (a contribution by its payment day): jj/mm/aaaa
      if (!SINGLE_RELATIONS.includes(attribute.relation ?? '') || !mainField || !['date', 'datetime'].includes(mainField.type ?? ''))
        return null;
      const shown = (value as Record<string, unknown> | null)?.[mainField.name];
      if (shown === null || shown === undefined || shown === '') return null;
      return mainField.type === 'date' ? formatDate(String(shown)) : formatDateTime(shown as string, 'medium');
    }
    default:
      return null;
  }
};

const FORMATTED = ['enumeration', 'date', 'datetime', 'boolean', 'decimal', 'float', 'integer', 'biginteger', 'relation'];

/**
 * Hook `Admin/CM/pages/ListView/inject-column-in-table`: each column of a type we format gets a
 * cellFormatter (the row click still opens the record).
 */
export const frenchColumns = ({ displayedHeaders, layout }: { displayedHeaders: Header[]; layout: unknown }) => ({
  layout,
  displayedHeaders: displayedHeaders.map((header) => {
    const attribute = header.attribute;
    if (!attribute || header.cellFormatter || !FORMATTED.includes(attribute.type)) return header;
    // ids stay Strapi's (no thousands separator either)
    if (header.name === 'id') return header;
    if (
      attribute.type === 'relation' &&
      !(SINGLE_RELATIONS.includes(attribute.relation ?? '') && ['date', 'datetime'].includes(header.mainField?.type ?? ''))
    )
      return header;
    const field = header.name;
    return {
      ...header,
      // Strapi draws any column named `status` as its draft/published badge (« Confirmed »): ours is a
      // business status, shown under another column name (not sortable then: the name is the sort key,
      // and Strapi's database layer reads any sort on `status` as the draft/published order)
      ...(field === 'status' ? { name: 'status__label', sortable: false } : {}),
      cellFormatter: (row: Record<string, unknown>, _current: Header, { model }: { model: string }) => {
        const text = cellText(model, field, attribute, row[field], header.mainField) ?? EMPTY;
        return (
          <Typography textColor="neutral800" ellipsis maxWidth="30rem">
            {text}
          </Typography>
        );
      },
    };
  }),
});
