/** `ecopt copy --from <file-or-URL> --to <file-or-URL> [study]`. */
import type { Command } from 'commander';
import { copyStudies } from '../engine/store/copy';
import { displayLocation, isDatabaseUrl, openStorage } from '../engine/store/open-storage';
import { SqliteStorage } from '../engine/store/sqlite-storage';
import type { Storage } from '../engine/store/storage';
import { Store } from '../engine/store/store';
import { UserError } from '../engine/errors';

export function addCopyCommand(program: Command): void {
  program
    .command('copy')
    .description('copy a study, whole, from one storage to another: e.g. a shared PostgreSQL study into a file for offline reports')
    .argument('[study]', 'study name (or id); default: every study there')
    .requiredOption('--from <file-or-url>', 'where the study is: an ECOpt database file (.db), or postgresql://user:password@host/database')
    .requiredOption('--to <file-or-url>', 'where to copy it: an ECOpt database file (.db, created if missing), or a PostgreSQL URL')
    .action(async (name: string | undefined, opts: { from: string; to: string }) => {
      if (opts.from === opts.to) throw new UserError(`--from and --to are both ${displayLocation(opts.from)}; copy into another file or database`);
      // the source is only read: a file is opened read-only, as `ecopt show` opens it
      const from: Storage = await forOption('--from', async () => (isDatabaseUrl(opts.from) ? await openStorage(opts.from) : new SqliteStorage(new Store(opts.from, { readonly: true }))));
      try {
        const to = await forOption('--to', () => openStorage(opts.to));
        try {
          for (const { study, trials, interrupted } of await copyStudies(from, to, name)) {
            // interrupted trials are copied too (their energy counts in the campaign), though the budget does not count them
            const note = interrupted ? `, ${interrupted} of them interrupted and run again` : '';
            process.stdout.write(`Copied study "${study.name}" (${trials} trial${trials === 1 ? '' : 's'}${note}) from ${from.location} to ${to.location}\n`);
          }
        } finally {
          await to.close();
        }
      } finally {
        await from.close();
      }
    });
}

/** A study file's messages say "choose another file with --db": for copy, the option is --from or --to. */
async function forOption<T>(option: '--from' | '--to', open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.message.replaceAll('choose another file with --db', `choose another file for ${option}`));
    throw e;
  }
}
