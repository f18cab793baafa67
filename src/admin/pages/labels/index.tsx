import type * as React from 'react';
import type { AdminPage } from '../index';
import { frenchColumns } from './cells';
import { EnumerationFilterInput, EnumerationInput } from './EnumerationInput';
import { enumTableFor, uidInLocation } from './resolve';

/**
 * Strapi has no labels for enumeration values and formats list cells in its own way: the content
 * manager's list cells, filters and edit forms show the French names of src/contract/labels.ts and
 * the French formats of src/contract/format.ts.
 */
interface Filter {
  name: string;
  type?: string;
  options?: Array<{ label?: string; value: string } | string>;
  input?: unknown;
}

const frenchFilters = ({ displayedFilters, layout }: { displayedFilters: Filter[]; layout: unknown }) => {
  const uid = uidInLocation();
  return {
    layout,
    displayedFilters: displayedFilters.map((filter) => {
      if (filter.type !== 'enumeration' || filter.input || !filter.options) return filter;
      const values = filter.options.map((o) => (typeof o === 'string' ? o : o.value));
      const table = enumTableFor(uid, filter.name, values);
      if (!table) return filter;
      return { ...filter, input: EnumerationFilterInput, options: values.map((value) => ({ value, label: table[value] ?? value })) };
    }),
  };
};

const labels: AdminPage = {
  bootstrap(app) {
    app.registerHook('Admin/CM/pages/ListView/inject-column-in-table', frenchColumns);
    app.registerHook('Admin/CM/pages/ListView/inject-in-filters', frenchFilters);
    // sound: the content manager renders a field's Component with the input's props, which Strapi's
    // Field type (a React.ComponentType without props) leaves out
    app.addFields({ type: 'enumeration', Component: EnumerationInput as unknown as React.ComponentType });
  },
};

export default labels;
