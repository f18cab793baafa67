import * as React from 'react';
import { Button, Flex, SingleSelect, SingleSelectOption, Td, TextInput, Tr, Typography } from '@strapi/design-system';
import { usePost } from '../../_lib';
import { BASE, formTypeLabel, type FormsState, type HelloAssoForm } from './api';
import { bodyOf, choiceOf, optionsOf } from './mapping';

/** One HelloAsso form: what it becomes in the back-office, saved on its own. */
export const FormRow = ({ form, choices }: { form: HelloAssoForm; choices: FormsState['choices'] }) => {
  const save = usePost<HelloAssoForm>();
  const [saved, setSaved] = React.useState(form.mapping);
  const [choice, setChoice] = React.useState(choiceOf(form.mapping));
  const [campaign, setCampaign] = React.useState(form.mapping.campaign ?? '');
  const [done, setDone] = React.useState(false);
  const [pastOrders, setPastOrders] = React.useState(form.pastOrdersPending);
  const options = React.useMemo(() => optionsOf(choices, saved), [choices, saved]);
  const body = bodyOf(choice, campaign);
  const changed = choice !== choiceOf(saved) || (choice === 'donation' && campaign.trim() !== (saved.campaign ?? ''));

  const submit = async () => {
    if (!body) return;
    setDone(false);
    const { data } = await save.send(`${BASE}/forms/${encodeURIComponent(form.formType)}/${encodeURIComponent(form.formSlug)}`, body, {
      method: 'PUT',
    });
    if (!data) return;
    setSaved(data.mapping);
    setPastOrders(data.pastOrdersPending);
    setChoice(choiceOf(data.mapping));
    setCampaign(data.mapping.campaign ?? '');
    setDone(true);
  };

  return (
    <Tr data-testid="helloasso-form">
      <Td>
        <Typography fontWeight="bold">{form.title}</Typography>
      </Td>
      <Td>
        <Typography>{formTypeLabel(form.formType)}</Typography>
      </Td>
      <Td>
        <Flex direction="column" alignItems="stretch" gap={2}>
          <SingleSelect
            aria-label={`Ce que devient le formulaire « ${form.title} »`}
            value={choice}
            placeholder="— à choisir —"
            onChange={(v: string | number) => {
              setChoice(String(v ?? ''));
              setDone(false);
            }}
          >
            {options.map((o) => (
              <SingleSelectOption key={o.value} value={o.value}>
                {o.label}
              </SingleSelectOption>
            ))}
          </SingleSelect>
          {choice === 'donation' && (
            <TextInput
              aria-label={`Campagne des dons du formulaire « ${form.title} »`}
              placeholder="Campagne (facultatif), par exemple « Appel de fin d’année »"
              value={campaign}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                setCampaign(e.target.value);
                setDone(false);
              }}
            />
          )}
        </Flex>
      </Td>
      <Td>
        <Flex direction="column" alignItems="flex-start" gap={1}>
          <Button size="S" onClick={submit} loading={save.loading} disabled={save.loading || !body || !changed}>
            Enregistrer
          </Button>
          {done && <Typography textColor="success600">Enregistré.</Typography>}
          {pastOrders && (
            <Typography textColor="neutral600">
              À reprendre : ses commandes passées seront importées à la prochaine synchronisation.
            </Typography>
          )}
          {save.error && <Typography textColor="danger600">{save.error}</Typography>}
          {!body && !save.error && <Typography textColor="warning600">Pas encore choisi : ses paiements attendent.</Typography>}
        </Flex>
      </Td>
    </Tr>
  );
};
