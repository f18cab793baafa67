import { checkEnvironment, readEnv } from '../../src/core/config';

/** UPLOAD_PROVIDER=s3 needs its storage's settings: the start is refused, naming each missing one, in French. */
describe('S3 storage settings', () => {
  const complete = {
    NODE_ENV: 'development',
    UPLOAD_PROVIDER: 's3',
    S3_ENDPOINT: 'https://s3.fr-par.scw.cloud',
    S3_BUCKET: 'mon-asso-fichiers',
    S3_REGION: 'fr-par',
    S3_ACCESS_KEY_ID: 'SCWXXXXXXXXXXXXXXXXX',
    S3_SECRET_ACCESS_KEY: 'secret',
  };

  it('keeps the local folder by default, and needs nothing else then', () => {
    expect(readEnv('UPLOAD_PROVIDER', {})).toBe('local');
    expect(() => checkEnvironment({ NODE_ENV: 'development' })).not.toThrow();
    expect(readEnv('S3_BUCKET', {})).toBeNull();
  });

  it('refuses to start with UPLOAD_PROVIDER=s3 and a missing bucket, region or key, naming each variable', () => {
    expect(() => checkEnvironment(complete)).not.toThrow();
    expect(() => checkEnvironment({ ...complete, S3_BUCKET: '' })).toThrow(
      /Démarrage refusé[\s\S]*S3_BUCKET : obligatoire quand UPLOAD_PROVIDER=s3 \(le nom du bucket\)/
    );
    const { S3_REGION: _region, S3_SECRET_ACCESS_KEY: _secret, ...missingTwo } = complete;
    expect(() => checkEnvironment(missingTwo)).toThrow(/S3_REGION : obligatoire[\s\S]*S3_SECRET_ACCESS_KEY : obligatoire/);
    // without an endpoint: Amazon S3
    const { S3_ENDPOINT: _endpoint, ...onAmazon } = complete;
    expect(() => checkEnvironment(onAmazon)).not.toThrow();
  });

  it('refuses an unknown provider or an endpoint that is not an http(s) address', () => {
    expect(() => checkEnvironment({ NODE_ENV: 'development', UPLOAD_PROVIDER: 'ftp' })).toThrow(
      /UPLOAD_PROVIDER : « ftp » n'est pas valide/
    );
    expect(() => checkEnvironment({ ...complete, S3_ENDPOINT: 's3.fr-par.scw.cloud' })).toThrow(
      /S3_ENDPOINT : « s3\.fr-par\.scw\.cloud » n'est pas valide \(attendu : une adresse http:\/\/ ou https:\/\/\)/
    );
    expect(() => checkEnvironment({ ...complete, S3_FORCE_PATH_STYLE: 'oui' })).toThrow(/S3_FORCE_PATH_STYLE/);
  });
});
