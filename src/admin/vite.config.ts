import { mergeConfig, type UserConfig } from 'vite';

export default (config: UserConfig) => {
  // `strapi build` loads Strapi first, which sets NODE_ENV=development when it is unset: Vite would then
  // bundle React's development build (slower, and Strapi's English guided tours). This process only
  // builds the admin panel, so a production build says so before Vite reads it.
  if (config.mode === 'production') process.env.NODE_ENV = 'production';
  return mergeConfig(config, {
    resolve: { alias: { '@': '/src' } },
  });
};
