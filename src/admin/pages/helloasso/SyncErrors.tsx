import { Box, Typography } from '@strapi/design-system';

/** The errors of a synchronisation, one per line (each a French sentence from the server). */
export const SyncErrors = ({ errors }: { errors: string[] }) =>
  errors.length === 0 ? null : (
    <Box tag="ul" paddingLeft={4}>
      {errors.map((e, i) => (
        <li key={i}>
          <Typography textColor="danger600">{e}</Typography>
        </li>
      ))}
    </Box>
  );
