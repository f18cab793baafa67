const path = require('path');

/** Loads the compiled backups code (dist/, or ASSO_DIST_DIR for the tests) and runs a command. */
module.exports = (command) => {
  const dist = process.env.ASSO_DIST_DIR || path.join(__dirname, '..', 'dist');
  let cli;
  try {
    cli = require(path.join(dist, 'src', 'back-office', 'backups', 'cli.js'));
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('cli.js')) throw e;
    console.error(`Code compilé introuvable dans ${dist} : lancez d'abord « npm run build ».`);
    process.exit(1);
  }
  const args = process.argv.slice(2);
  cli
    .run(() => (command === 'backup' ? cli.backupCommand() : cli.restoreCommand(args)))
    .then((code) => {
      process.exitCode = code;
    });
};
