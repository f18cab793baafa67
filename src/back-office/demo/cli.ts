import type { Strapi } from '../types';
import { seedDemo, SeedRefusedError, SUMMARY_LABELS } from './seed';
import { ProductionDataError } from './reset';

export interface SeedArgs {
  members: number;
  reset: boolean;
}

/** `--members N` (default 200) and `--reset`; anything else is an error, in French. */
export const parseSeedArgs = (argv: string[]): SeedArgs => {
  const args: SeedArgs = { members: 200, reset: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--reset') args.reset = true;
    else if (arg === '--members' || arg.startsWith('--members=')) {
      const value = arg.includes('=') ? arg.split('=')[1] : argv[++i];
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
        throw new Error(`--members : un nombre entier d’adhérents est attendu (reçu « ${value ?? ''} »).`);
      args.members = n;
    } else throw new Error(`Option inconnue : ${arg}. Options : --members N (200 par défaut), --reset.`);
  }
  return args;
};

const seconds = (ms: number) => `${(ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s`;

/** What `npm run seed` does once Strapi is loaded; returns the process exit code. */
export const runSeedCli = async (strapi: Strapi, argv: string[], print: (line: string) => void = (line) => strapi.log.info(line)) => {
  let args: SeedArgs;
  try {
    args = parseSeedArgs(argv);
  } catch (e) {
    print((e as Error).message);
    return 1;
  }
  try {
    const { counts, durationMs, today } = await seedDemo(strapi, { ...args, log: print });
    print(`Données de démonstration créées en ${seconds(durationMs)} (situation au ${today.split('-').reverse().join('/')}) :`);
    for (const [uid, label] of Object.entries(SUMMARY_LABELS)) print(`  ${label.padEnd(30, ' ')} ${counts[uid].toLocaleString('fr-FR')}`);
    return 0;
  } catch (e) {
    if (e instanceof SeedRefusedError || e instanceof ProductionDataError) {
      print(e.message);
      return 1;
    }
    throw e;
  }
};
