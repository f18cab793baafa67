'use strict';
/**
 * Run once by the jest globalSetup, in a process of its own: boots the compiled app on the empty database
 * the environment designates (DATABASE_CLIENT, DATABASE_FILENAME or DATABASE_NAME, TEST_DIST_DIR), which
 * creates the schema and runs the bootstrap (roles, permissions, content manager settings, default books),
 * then stops it. Each suite starts from a copy of that database: its own boot finds the schema current and
 * runs the same idempotent bootstrap again, instead of creating every table again. Plain JS: run by node.
 */
const path = require('path');

const run = async () => {
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: path.resolve(__dirname, '../..'), distDir: process.env.TEST_DIST_DIR }).load();
  await strapi.destroy();
};

run().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  }
);
