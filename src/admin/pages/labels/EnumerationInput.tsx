import * as React from 'react';
import { InputRenderer, unstable_useContentManagerContext as useContentManagerContext } from '@strapi/strapi/admin';
import { enumTableFor, uidInLocation } from './resolve';

/**
 * The content manager's edit forms choose an enumeration's value in a select that lists the raw
 * values (`cheque`, `waitlisted`): this one lists their French names (src/contract/labels.ts) and
 * stores the same values. Registered for the `enumeration` type (app.addFields), so every edit form
 * uses it, components included; Strapi's own select does the rest (required, hint, errors).
 */
// Strapi's props of an enumeration input (InputRenderer's props are a union per input type)
type EnumerationProps = Extract<React.ComponentProps<typeof InputRenderer>, { type: 'enumeration' }>;

/** What the content manager gives a field's input: the input's props and the field's attribute. */
interface Props extends Omit<EnumerationProps, 'type' | 'options'> {
  attribute?: { enum?: string[] };
  options?: EnumerationProps['options'];
}

const useModel = (): string | undefined => {
  try {
    return useContentManagerContext()?.model ?? uidInLocation();
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
  return (
    <InputRenderer
      {...props}
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Strapi types InputRenderer (a memo) without a ref: the field's ref is handed on untyped
      {...({ ref } as any)}
      type="enumeration"
      options={options}
    />
  );
});
EnumerationInput.displayName = 'EnumerationInput';

/** The value input of a list filter on an enumeration: the same French names (the filter's chip shows them too). */
export const EnumerationFilterInput = (props: Omit<EnumerationProps, 'type'>) => <InputRenderer {...props} type="enumeration" />;
