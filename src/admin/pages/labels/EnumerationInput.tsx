import * as React from 'react';
import { InputRenderer, unstable_useContentManagerContext as useContentManagerContext } from '@strapi/strapi/admin';
import { enumTableFor, uidInLocation } from './resolve';

/**
 * The content manager's edit forms choose an enumeration's value in a select that lists the raw
 * values (`cheque`, `waitlisted`): this one lists their French names (src/shared/labels.ts) and
 * stores the same values. Registered for the `enumeration` type (app.addFields), so every edit form
 * uses it, components included; Strapi's own select does the rest (required, hint, errors).
 */
interface Props {
  name: string;
  attribute?: { enum?: string[] };
  options?: Array<{ value: string; label?: string }>;
}

const useModel = (): string | undefined => {
  try {
    // any: the context's type is internal to the content manager
    return (useContentManagerContext() as any)?.model ?? uidInLocation();
  } catch {
    // a form outside the content manager's edit view
    return uidInLocation();
  }
};

export const EnumerationInput = React.forwardRef<HTMLDivElement, Props>((props, ref) => {
  const model = useModel();
  const values: string[] = props.attribute?.enum ?? props.options?.map((o) => o.value) ?? [];
  const table = enumTableFor(model, props.name, values);
  const options = values.map((value) => ({ value, label: table?.[value] ?? value }));
  // any: Strapi's InputRenderer props are a union per input type
  return <InputRenderer {...(props as any)} ref={ref} type="enumeration" options={options} />;
});
EnumerationInput.displayName = 'EnumerationInput';

/** The value input of a list filter on an enumeration: the same French names (the filter's chip shows them too). */
export const EnumerationFilterInput = (props: Props) => <InputRenderer {...(props as any)} type="enumeration" />;
