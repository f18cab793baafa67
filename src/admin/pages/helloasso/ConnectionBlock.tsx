import { Box, Flex, Typography } from '@strapi/design-system';
import type { Status } from './api';

/** The five settings of the server, explained for whoever installs it. */
const SETTINGS: Array<{ name: string; what: string }> = [
  {
    name: 'HELLOASSO_CLIENT_ID',
    what: 'l’identifiant de l’accès à l’API, donné par HelloAsso (espace de l’association, « Intégrations et API »)',
  },
  { name: 'HELLOASSO_CLIENT_SECRET', what: 'la clé secrète qui va avec cet identifiant (à ne jamais envoyer par e-mail ni publier)' },
  {
    name: 'HELLOASSO_ORGANIZATION_SLUG',
    what: 'le nom de l’association dans les adresses HelloAsso (ce qui suit « /associations/ » dans l’adresse de sa page)',
  },
  {
    name: 'HELLOASSO_API_URL',
    what: 'l’adresse de l’API de HelloAsso (https://api.helloasso.com/v5, ou celle du bac à sable pour des essais)',
  },
  {
    name: 'HELLOASSO_OAUTH_URL',
    what: 'l’adresse où le serveur obtient son autorisation (https://api.helloasso.com/oauth2/token, ou celle du bac à sable)',
  },
];

const Settings = () => (
  <Flex direction="column" alignItems="stretch" gap={2}>
    <Typography>
      Pour relier le back-office à HelloAsso, la personne qui installe le serveur doit renseigner ces cinq réglages, puis le redémarrer :
    </Typography>
    <Box tag="ul" paddingLeft={4}>
      {SETTINGS.map((s, i) => (
        <li key={s.name}>
          <Typography>
            <code>{s.name}</code> : {s.what}
            {i < SETTINGS.length - 1 ? ' ;' : '.'}
          </Typography>
        </li>
      ))}
    </Box>
  </Flex>
);

/** « Connexion »: connected to which organisation, or what is missing, or why the connection fails. */
export const ConnectionBlock = ({ status }: { status: Status }) => (
  <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius data-testid="helloasso-connection">
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Typography variant="delta" tag="h2">
        Connexion
      </Typography>
      {status.configured && status.connected && (
        <Typography textColor="success600" fontWeight="bold">
          Connecté à HelloAsso{status.organization ? ` (organisation « ${status.organization} »)` : ''}.
        </Typography>
      )}
      {status.configured && !status.connected && !status.error && (
        <Typography fontWeight="bold">Pas encore connecté à HelloAsso.</Typography>
      )}
      {!status.configured && (
        <>
          <Typography fontWeight="bold">HelloAsso n’est pas encore configuré.</Typography>
          <Settings />
        </>
      )}
      {status.error && (
        // a lasting state, not a message to dismiss: no Alert (it always shows a close button)
        <Box background="danger100" borderColor="danger200" padding={4} hasRadius role="alert">
          <Typography fontWeight="bold" tag="p">
            {status.configured ? 'La connexion à HelloAsso a échoué :' : 'Réglages incomplets :'}
          </Typography>
          <Typography tag="p">{status.error}</Typography>
          {status.configured && (
            <Typography tag="p" textColor="neutral600">
              Vérifiez les réglages HELLOASSO_… du serveur avec la personne qui l’a installé.
            </Typography>
          )}
        </Box>
      )}
    </Flex>
  </Box>
);
