import { readEnv } from '../src/core/config';

/**
 * SQLite by default (one file, nothing to install); PostgreSQL for production with
 * DATABASE_CLIENT=postgres and either DATABASE_URL or the DATABASE_HOST/PORT/NAME/USERNAME/PASSWORD/SSL variables.
 * Another DATABASE_CLIENT is refused with a French message (src/core/config.ts).
 */
export default () => {
  if (readEnv('DATABASE_CLIENT') === 'postgres') {
    const ssl = readEnv('DATABASE_SSL') ? { rejectUnauthorized: readEnv('DATABASE_SSL_REJECT_UNAUTHORIZED') } : false;
    const url = readEnv('DATABASE_URL');
    // libpq's `options`: the session settings of every connection (DATABASE_SESSION_OPTIONS)
    const options = readEnv('DATABASE_SESSION_OPTIONS').trim() || undefined;
    return {
      connection: {
        client: 'postgres',
        connection: url
          ? { connectionString: url, ssl, options }
          : {
              options,
              host: readEnv('DATABASE_HOST'),
              port: readEnv('DATABASE_PORT'),
              database: readEnv('DATABASE_NAME'),
              user: readEnv('DATABASE_USERNAME'),
              password: readEnv('DATABASE_PASSWORD'),
              ssl,
              schema: readEnv('DATABASE_SCHEMA'),
            },
        pool: { min: readEnv('DATABASE_POOL_MIN'), max: readEnv('DATABASE_POOL_MAX') },
        acquireConnectionTimeout: readEnv('DATABASE_CONNECTION_TIMEOUT'),
      },
    };
  }

  return {
    connection: {
      client: 'sqlite',
      connection: { filename: readEnv('DATABASE_FILENAME') },
      useNullAsDefault: true,
    },
  };
};
