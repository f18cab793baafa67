import { Box, Loader, Table, Tbody, Th, Thead, Tr, Typography } from '@strapi/design-system';
import type { Loaded } from '../../_lib';
import type { FormsState } from './api';
import { FormRow } from './FormRow';
import { choiceOf } from './mapping';

const HEADERS = ['Formulaire', 'Type', 'Devient dans le back-office', 'Enregistrer'];

/** « Formulaires HelloAsso »: for each form of the association, what its payments become here. */
export const FormsTable = ({ forms }: { forms: Loaded<FormsState> }) => {
  const data = forms.data;
  return (
    <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius data-testid="helloasso-forms">
      <Typography variant="delta" tag="h2">
        Formulaires HelloAsso
      </Typography>
      <Box paddingTop={2}>
        <Typography textColor="neutral600">
          Pour chaque formulaire, choisissez ce que deviennent ses paiements : une cotisation d’un type d’adhésion, un don (avec sa
          campagne), une inscription à une mission, ou rien (ignoré).
        </Typography>
      </Box>
      <Box paddingTop={3}>
        {forms.error && <Typography textColor="danger600">Impossible de lire les formulaires : {forms.error}</Typography>}
        {!data && forms.loading && <Loader small>Chargement des formulaires…</Loader>}
        {data && data.forms.length === 0 && <Typography textColor="neutral600">Aucun formulaire sur HelloAsso pour l’instant.</Typography>}
        {data && data.forms.length > 0 && (
          <Table colCount={HEADERS.length} rowCount={data.forms.length + 1}>
            <Thead>
              <Tr>
                {HEADERS.map((h) => (
                  <Th key={h}>
                    <Typography variant="sigma">{h}</Typography>
                  </Th>
                ))}
              </Tr>
            </Thead>
            <Tbody>
              {data.forms.map((f) => (
                // keyed by the saved mapping too: a row starts again from what the server answers after a reload
                <FormRow
                  key={`${f.formType}/${f.formSlug}/${choiceOf(f.mapping)}/${f.mapping.campaign ?? ''}`}
                  form={f}
                  choices={data.choices}
                />
              ))}
            </Tbody>
          </Table>
        )}
      </Box>
    </Box>
  );
};
