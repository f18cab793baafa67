import * as React from 'react';
import { Page, Layouts } from '@strapi/strapi/admin';
import {
  Alert,
  Box,
  Button,
  Checkbox,
  Field,
  Flex,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Download, Upload, ArrowLeft } from '@strapi/icons';
import { useDownload, useGet, usePost } from '../../_lib';

interface Kind {
  kind: string;
  label: string;
}
interface RowError {
  row: number;
  column: string;
  message: string;
}
interface Change {
  field: string;
  label: string;
  from: string | null;
  to: string | null;
}
interface PreviewRow {
  row: number;
  status: 'create' | 'update' | 'unchanged' | 'error';
  label: string;
  changes?: Change[];
  errors?: RowError[];
}
interface ImportView {
  id: string;
  kind: string;
  kindLabel: string;
  state: 'preview' | 'committed' | 'undone';
  fileName: string;
  detected: {
    source: string;
    sourceLabel: string;
    encoding: string | null;
    separator: string | null;
    separatorLabel: string | null;
    sheet: string | null;
    sheets: string[];
  };
  mapping: Array<{ column: number; header: string; target: string | null; samples: string[] }>;
  targets: Array<{ key: string; label: string }>;
  notes: string[];
  preview: {
    create: number;
    update: number;
    unchanged: number;
    errorRows: number;
    errors: RowError[];
    missing: string[];
    rows: PreviewRow[];
    rowsTotal: number;
  };
}
interface Listed {
  id: string;
  kindLabel: string;
  state: string;
  fileName: string;
  sourceLabel: string;
  uploadedBy: string;
  createdAt: string;
  committedBy: string | null;
  committedAt: string | null;
  counts: { created: number; updated: number; unchanged: number; skipped: number } | null;
}
interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
}
interface ListState {
  kinds: Kind[];
  maxMb: number;
  imports: Listed[];
}

const STATUS_LABELS: Record<string, string> = { create: 'Création', update: 'Mise à jour', unchanged: 'Inchangée', error: 'Erreur' };
const STATE_LABELS: Record<string, string> = { preview: 'Aperçu (rien d’écrit)', committed: 'Importé', undone: 'Annulé' };
const ENCODINGS: Record<string, string> = {
  'utf-8': 'UTF-8',
  'windows-1252': 'Windows-1252 (Excel français)',
  'utf-16le': 'UTF-16',
  'utf-16be': 'UTF-16',
};
const dateTime = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }) : '';

/**
 * « Importer »: choose the kind and the file → what was detected (tool, encoding, separator, sheet)
 * → mapping of the columns (with sample values) → preview with counts and filters → import →
 * report (downloadable as CSV); and the list of past imports, each undoable while untouched.
 */
const ImportsPage = () => {
  const list = useGet<ListState>('/back-office/imports');
  const request = usePost();
  const report = useDownload();
  const [kind, setKind] = React.useState('');
  const [file, setFile] = React.useState<File | null>(null);
  const [current, setCurrent] = React.useState<ImportView | null>(null);
  const [mapping, setMapping] = React.useState<Record<number, string>>({});
  const [filter, setFilter] = React.useState<string>('');
  const [rows, setRows] = React.useState<PreviewRow[]>([]);
  const [skipErrors, setSkipErrors] = React.useState(false);
  const [result, setResult] = React.useState<Counts | null>(null);
  const [success, setSuccess] = React.useState<string | null>(null);
  const busy = request.loading;
  const failure = request.error ?? report.error ?? (list.error && `Impossible de lire les imports : ${list.error}`);
  const kinds = list.data?.kinds;
  React.useEffect(() => {
    setKind((k) => k || kinds?.[0]?.kind || '');
  }, [kinds]);

  const show = (view: ImportView) => {
    setCurrent(view);
    setMapping(Object.fromEntries(view.mapping.map((m) => [m.column, m.target ?? ''])));
    setRows(view.preview.rows);
    setFilter('');
  };

  /** One request of the page: the success message cleared first, the French error (if any) shown by the hook. */
  const send = async <T,>(url: string, body?: unknown, options?: Parameters<typeof request.send>[2]) => {
    setSuccess(null);
    report.clearError();
    const { data } = await request.send(url, body, options);
    return data as T | undefined;
  };

  const analyse = async (sheet?: string) => {
    if (!file || !kind) return;
    const form = new FormData();
    form.append('kind', kind);
    if (sheet) form.append('sheet', sheet);
    form.append('file', file);
    const view = await send<ImportView>('/back-office/imports', form);
    if (!view) return;
    setResult(null);
    show(view);
  };

  const applyMapping = async () => {
    if (!current) return;
    const view = await send<ImportView>(
      `/back-office/imports/${current.id}/mapping`,
      { mapping: Object.entries(mapping).map(([column, target]) => ({ column: Number(column), target: target || null })) },
      { method: 'PUT' }
    );
    if (view) show(view);
  };

  const showRows = async (status: string) => {
    if (!current) return;
    setFilter(status);
    const view = await send<ImportView>(`/back-office/imports/${current.id}`, undefined, { method: 'GET', params: { status } });
    if (view) setRows(view.preview.rows);
  };

  const commit = async () => {
    if (!current) return;
    const counts = await send<Counts>(`/back-office/imports/${current.id}/commit`, { skipErrors });
    if (!counts) return;
    setResult(counts);
    setSuccess(
      `Import terminé : ${counts.created} créée(s), ${counts.updated} mise(s) à jour, ${counts.unchanged} inchangée(s), ${counts.skipped} ignorée(s).`
    );
    list.reload();
  };

  const undo = async (id: string) => {
    const done = await send<{ deleted: number; restored: number }>(`/back-office/imports/${id}/undo`, {});
    if (!done) return;
    setSuccess(`Import annulé : ${done.deleted} fiche(s) supprimée(s), ${done.restored} restaurée(s).`);
    list.reload();
  };

  const downloadReport = (id: string) => {
    setSuccess(null);
    request.clearError();
    report.download(`/back-office/imports/${id}/report`, `rapport-import-${id}.csv`, { key: id });
  };
  const dismiss = () => {
    setSuccess(null);
    request.clearError();
    report.clearError();
  };

  const p = current?.preview;
  return (
    <Page.Main>
      <Page.Title>Importer</Page.Title>
      <Layouts.Header
        title="Importer"
        subtitle="Adhérents, cotisations, donateurs et dons depuis Excel, LibreOffice, Galette, Paheko ou HelloAsso. Rien n’est écrit avant « Importer »."
        navigationAction={
          current ? (
            <Button variant="tertiary" startIcon={<ArrowLeft />} onClick={() => setCurrent(null)}>
              Nouvel import
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {failure && (
            <Alert variant="danger" title="Erreur" onClose={dismiss} closeLabel="Fermer">
              {failure}
            </Alert>
          )}
          {success && !failure && (
            <Alert variant="success" title="Terminé" onClose={dismiss} closeLabel="Fermer">
              {success}
            </Alert>
          )}

          {!current && list.data && (
            <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" tag="h2">
                  1. Ce que vous importez
                </Typography>
                <Field.Root name="kind">
                  <Field.Label>Type de fiches</Field.Label>
                  <SingleSelect value={kind} onChange={(v: string | number) => setKind(String(v))}>
                    {list.data.kinds.map((k) => (
                      <SingleSelectOption key={k.kind} value={k.kind}>
                        {k.label}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
                <Field.Root
                  name="file"
                  hint={`CSV (tout séparateur, UTF-8 ou Windows-1252) ou Excel .xlsx, ${list.data.maxMb} Mo au plus. Un seul type de fiches par fichier.`}
                >
                  <Field.Label>Fichier</Field.Label>
                  <input type="file" accept=".csv,.txt,.xlsx" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
                  <Field.Hint />
                </Field.Root>
                <Box>
                  <Button startIcon={<Upload />} onClick={() => analyse()} loading={busy} disabled={busy || !file || !kind}>
                    Analyser le fichier
                  </Button>
                </Box>
              </Flex>
            </Box>
          )}

          {current && p && (
            <>
              <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
                <Typography variant="delta" tag="h2">
                  2. Fichier reconnu
                </Typography>
                <Box paddingTop={2}>
                  <Typography>
                    {current.fileName} — {current.kindLabel} — format : <strong>{current.detected.sourceLabel}</strong>
                    {current.detected.encoding && <> — encodage : {ENCODINGS[current.detected.encoding] ?? current.detected.encoding}</>}
                    {current.detected.separatorLabel && <> — séparateur : {current.detected.separatorLabel}</>}
                    {current.detected.sheet && <> — feuille : « {current.detected.sheet} »</>}
                  </Typography>
                </Box>
                {current.detected.sheets.length > 1 && current.state === 'preview' && (
                  <Flex gap={2} paddingTop={2} wrap="wrap">
                    <Typography>Autre feuille :</Typography>
                    {current.detected.sheets
                      .filter((s) => s !== current.detected.sheet)
                      .map((s) => (
                        <Button key={s} variant="secondary" size="S" onClick={() => analyse(s)} disabled={busy}>
                          {s}
                        </Button>
                      ))}
                  </Flex>
                )}
                {current.notes.map((n) => (
                  <Box key={n} paddingTop={2}>
                    <Typography variant="pi" textColor="neutral600">
                      {n}
                    </Typography>
                  </Box>
                ))}
              </Box>

              <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
                <Typography variant="delta" tag="h2">
                  3. Correspondance des colonnes
                </Typography>
                <Table colCount={3} rowCount={current.mapping.length + 1}>
                  <Thead>
                    <Tr>
                      <Th>
                        <Typography variant="sigma">Colonne du fichier</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Exemples</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Champ</Typography>
                      </Th>
                    </Tr>
                  </Thead>
                  <Tbody>
                    {current.mapping.map((m) => (
                      <Tr key={m.column}>
                        <Td>
                          <Typography fontWeight="bold">{m.header || `(colonne ${m.column + 1})`}</Typography>
                        </Td>
                        <Td>
                          <Typography textColor="neutral600">{m.samples.join(' · ')}</Typography>
                        </Td>
                        <Td>
                          <SingleSelect
                            aria-label={`Champ de la colonne ${m.header}`}
                            value={mapping[m.column] ?? ''}
                            placeholder="— ignorée —"
                            disabled={current.state !== 'preview'}
                            onClear={() => setMapping({ ...mapping, [m.column]: '' })}
                            onChange={(v: string | number) => setMapping({ ...mapping, [m.column]: String(v ?? '') })}
                          >
                            {current.targets.map((t) => (
                              <SingleSelectOption key={t.key} value={t.key}>
                                {t.label}
                              </SingleSelectOption>
                            ))}
                          </SingleSelect>
                        </Td>
                      </Tr>
                    ))}
                  </Tbody>
                </Table>
                {current.state === 'preview' && (
                  <Box paddingTop={4}>
                    <Button variant="secondary" onClick={applyMapping} loading={busy} disabled={busy}>
                      Appliquer la correspondance
                    </Button>
                  </Box>
                )}
              </Box>

              <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
                <Typography variant="delta" tag="h2">
                  4. Aperçu
                </Typography>
                {p.missing.length > 0 && (
                  <Box paddingTop={2}>
                    <Alert variant="danger" title="Colonnes manquantes" closeLabel="Fermer">
                      Aucune colonne n’est associée à : {p.missing.join(', ')}.
                    </Alert>
                  </Box>
                )}
                <Flex gap={2} paddingTop={2} wrap="wrap">
                  <Button variant={filter === '' ? 'default' : 'tertiary'} onClick={() => showRows('')}>
                    À écrire ou en erreur
                  </Button>
                  <Button variant={filter === 'create' ? 'default' : 'tertiary'} onClick={() => showRows('create')}>
                    Créations : {p.create}
                  </Button>
                  <Button variant={filter === 'update' ? 'default' : 'tertiary'} onClick={() => showRows('update')}>
                    Mises à jour : {p.update}
                  </Button>
                  <Button variant={filter === 'unchanged' ? 'default' : 'tertiary'} onClick={() => showRows('unchanged')}>
                    Inchangées : {p.unchanged}
                  </Button>
                  <Button variant={filter === 'error' ? 'default' : 'tertiary'} onClick={() => showRows('error')}>
                    Erreurs : {p.errorRows}
                  </Button>
                </Flex>
                <Box paddingTop={4}>
                  <Table colCount={4} rowCount={rows.length + 1}>
                    <Thead>
                      <Tr>
                        <Th>
                          <Typography variant="sigma">Ligne</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">Résultat</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">Fiche</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">Détail</Typography>
                        </Th>
                      </Tr>
                    </Thead>
                    <Tbody>
                      {rows.map((r) => (
                        <Tr key={r.row}>
                          <Td>
                            <Typography>{r.row}</Typography>
                          </Td>
                          <Td>
                            <Typography textColor={r.status === 'error' ? 'danger600' : 'neutral800'}>{STATUS_LABELS[r.status]}</Typography>
                          </Td>
                          <Td>
                            <Typography>{r.label}</Typography>
                          </Td>
                          <Td>
                            {(r.errors ?? []).map((e, i) => (
                              <Typography key={i} textColor="danger600" tag="p">
                                ligne {e.row}, colonne « {e.column} » : {e.message}
                              </Typography>
                            ))}
                            {(r.changes ?? []).map((c) => (
                              <Typography key={c.field} tag="p">
                                {c.label} : {c.from ?? '(vide)'} → {c.to ?? '(vide)'}
                              </Typography>
                            ))}
                          </Td>
                        </Tr>
                      ))}
                    </Tbody>
                  </Table>
                </Box>
              </Box>

              <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
                <Typography variant="delta" tag="h2">
                  5. Importer
                </Typography>
                {current.state === 'preview' && !result ? (
                  <Flex direction="column" alignItems="flex-start" gap={3} paddingTop={2}>
                    {p.errorRows > 0 && (
                      <Checkbox checked={skipErrors} onCheckedChange={(v: boolean) => setSkipErrors(!!v)}>
                        Ignorer les {p.errorRows} ligne(s) en erreur (elles seront listées dans le rapport)
                      </Checkbox>
                    )}
                    <Button onClick={commit} loading={busy} disabled={busy || p.missing.length > 0 || (p.errorRows > 0 && !skipErrors)}>
                      Importer {p.create} création(s) et {p.update} mise(s) à jour
                    </Button>
                  </Flex>
                ) : (
                  <Flex gap={2} paddingTop={2}>
                    <Button
                      variant="secondary"
                      startIcon={<Download />}
                      onClick={() => downloadReport(current.id)}
                      loading={report.busy === current.id}
                    >
                      Télécharger le rapport (CSV)
                    </Button>
                  </Flex>
                )}
              </Box>
            </>
          )}

          {list.data && list.data.imports.length > 0 && (
            <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
              <Typography variant="delta" tag="h2">
                Imports précédents
              </Typography>
              <Table colCount={6} rowCount={list.data.imports.length + 1}>
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">Date</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Fichier</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Type</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">État</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Bilan</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Actions</Typography>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {list.data.imports.map((i) => (
                    <Tr key={i.id}>
                      <Td>
                        <Typography>{dateTime(i.committedAt ?? i.createdAt)}</Typography>
                      </Td>
                      <Td>
                        <Typography>
                          {i.fileName} ({i.sourceLabel})
                        </Typography>
                      </Td>
                      <Td>
                        <Typography>{i.kindLabel}</Typography>
                      </Td>
                      <Td>
                        <Typography>
                          {STATE_LABELS[i.state] ?? i.state}
                          {i.committedBy ? ` par ${i.committedBy}` : ''}
                        </Typography>
                      </Td>
                      <Td>
                        <Typography>
                          {i.counts
                            ? `${i.counts.created} créée(s), ${i.counts.updated} mise(s) à jour, ${i.counts.skipped} ignorée(s)`
                            : ''}
                        </Typography>
                      </Td>
                      <Td>
                        <Flex gap={2}>
                          <Button variant="tertiary" size="S" onClick={() => downloadReport(i.id)} loading={report.busy === i.id}>
                            Rapport
                          </Button>
                          {i.state === 'committed' && (
                            <Button variant="danger-light" size="S" onClick={() => undo(i.id)} disabled={busy}>
                              Annuler l’import
                            </Button>
                          )}
                        </Flex>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </Box>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export default ImportsPage;
