import * as React from 'react';
import { Page, Layouts } from '@strapi/strapi/admin';
import { Alert, Box, Button, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Download, Database } from '@strapi/icons';
import { formatDateTime, formatFileSize as size } from '../../../contract/format';
import { useDownload, useGet, usePost } from '../../_lib';

interface Backup {
  name: string;
  size: number;
  createdAt: string;
}
interface BackupsState {
  backups: Backup[];
  dir: string;
  cron: string;
  retention: { daily: number; weekly: number; monthly: number };
  lastFailure: { at: string; message: string } | null;
  /** the last nightly run, whichever server instance ran it */
  lastRun: { scheduledAt: string; instance: string; status: 'running' | 'done' | 'failed'; finishedAt: string | null; error: string | null } | null;
}

const RUN_STATUS = { running: 'en cours', done: 'réussie', failed: 'en échec' } as const;

const dateTime = (iso: string) => formatDateTime(iso, 'full');
/** "0 3 * * *" → "chaque jour à 3 h 00" (Paris time); any other rule is shown as written. */
const schedule = (cron: string) => {
  const daily = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron.trim());
  return daily ? `chaque jour à ${Number(daily[2])} h ${daily[1].padStart(2, '0')} (heure de Paris)` : `selon la règle « ${cron} » (heure de Paris)`;
};

/** Sauvegardes: the archives of BACKUP_DIR, "Sauvegarder maintenant" and download (super admin only). */
const BackupsPage = () => {
  const list = useGet<BackupsState>('/back-office/backups');
  const state = list.data ?? null;
  const backup = usePost<{ backup: Backup }>();
  const file = useDownload();
  const [message, setMessage] = React.useState<{ variant: 'success' | 'danger'; text: string } | null>(null);
  const busy = backup.loading;

  React.useEffect(() => {
    if (list.error) setMessage({ variant: 'danger', text: `Impossible de lire la liste des sauvegardes : ${list.error}` });
  }, [list.error]);
  React.useEffect(() => {
    if (file.error) setMessage({ variant: 'danger', text: `Téléchargement impossible : ${file.error}` });
  }, [file.error]);

  const backupNow = async () => {
    setMessage(null);
    const { data, error } = await backup.send('/back-office/backups');
    if (error || !data) setMessage({ variant: 'danger', text: error ?? '' });
    else {
      setMessage({ variant: 'success', text: `Sauvegarde ${data.backup.name} écrite et vérifiée (${size(data.backup.size)}).` });
      list.reload();
    }
  };

  const download = (b: Backup) => file.download(`/back-office/backups/${encodeURIComponent(b.name)}/download`, b.name);

  return (
    <Page.Main>
      <Page.Title>Sauvegardes</Page.Title>
      <Layouts.Header
        title="Sauvegardes"
        subtitle="Base de données et fichiers envoyés, vérifiés à chaque sauvegarde. Gardez-en une copie hors du serveur."
        primaryAction={
          <Button startIcon={<Database />} onClick={backupNow} loading={busy} disabled={busy}>
            Sauvegarder maintenant
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {message && (
            <Alert variant={message.variant} title={message.variant === 'success' ? 'Sauvegarde terminée' : 'Erreur'} onClose={() => setMessage(null)} closeLabel="Fermer">
              {message.text}
            </Alert>
          )}
          {state?.lastFailure && (
            <Alert variant="danger" title="La dernière sauvegarde automatique a échoué" closeLabel="Fermer">
              {dateTime(state.lastFailure.at)} : {state.lastFailure.message}
            </Alert>
          )}
          {state && (
            <Box background="neutral0" padding={4} shadow="tableShadow" hasRadius>
              <Typography variant="omega">
                Sauvegarde automatique {schedule(state.cron)} dans <code>{state.dir}</code>. Sont conservées la plus
                récente de chacun des {state.retention.daily} derniers jours, des {state.retention.weekly} dernières semaines
                et des {state.retention.monthly} derniers mois. Pour restaurer, suivez la section « Sauvegardes et reprise
                après sinistre » du README.
              </Typography>
              {state.lastRun && (
                <Typography variant="omega" tag="p">
                  Dernière sauvegarde automatique : {dateTime(state.lastRun.scheduledAt)}, {RUN_STATUS[state.lastRun.status]}
                  {state.lastRun.error ? ` (${state.lastRun.error})` : ''}, faite par le serveur {state.lastRun.instance}.
                </Typography>
              )}
            </Box>
          )}
          {state && state.backups.length === 0 && <Typography>Aucune sauvegarde pour l'instant.</Typography>}
          {state && state.backups.length > 0 && (
            <Table colCount={4} rowCount={state.backups.length + 1}>
              <Thead>
                <Tr>
                  <Th><Typography variant="sigma">Date</Typography></Th>
                  <Th><Typography variant="sigma">Taille</Typography></Th>
                  <Th><Typography variant="sigma">Fichier</Typography></Th>
                  <Th><Typography variant="sigma">Action</Typography></Th>
                </Tr>
              </Thead>
              <Tbody>
                {state.backups.map((b) => (
                  <Tr key={b.name}>
                    <Td><Typography>{dateTime(b.createdAt)}</Typography></Td>
                    <Td><Typography>{size(b.size)}</Typography></Td>
                    <Td><Typography textColor="neutral600">{b.name}</Typography></Td>
                    <Td>
                      <Button variant="tertiary" startIcon={<Download />} onClick={() => download(b)}>
                        Télécharger
                      </Button>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export default BackupsPage;
