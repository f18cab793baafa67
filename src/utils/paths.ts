import fs from 'fs';
import path from 'path';

/**
 * The project root, whether the code runs from the sources or from `dist/`:
 * the first parent folder whose package.json is this project's.
 */
export const projectRoot = (() => {
  let dir = __dirname;
  while (dir !== path.dirname(dir)) {
    const pkgFile = path.join(dir, 'package.json');
    if (fs.existsSync(pkgFile) && JSON.parse(fs.readFileSync(pkgFile, 'utf8')).name === 'asso-back-office') return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
})();

/** An absolute path is kept as is; a relative one is taken from the project root. */
export const fromRoot = (p: string) => (path.isAbsolute(p) ? p : path.join(projectRoot, p));
