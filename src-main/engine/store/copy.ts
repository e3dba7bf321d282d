/**
 * `ecopt copy`: studies from one storage to another (a shared PostgreSQL study into a file for
 * offline reports, or a file into PostgreSQL to add workers), whole: every trial with its number,
 * state, parameters, metrics, failure, attributes, windows and power samples, the hardware,
 * meters and hardware classes. Refuses before writing anything when a study of that name is
 * already at the destination.
 */
import { UserError } from '../errors';
import type { Storage } from './storage';
import type { StudyRow } from './store';

export async function copyStudies(from: Storage, to: Storage, name?: string): Promise<{ study: StudyRow; trials: number; interrupted: number }[]> {
  const studies = name !== undefined ? [await from.requireStudy(name)] : await Promise.all((await from.listStudies()).map(async (s) => (await from.getStudy(s.id))!));
  if (studies.length === 0) throw new UserError(`${from.location} has no studies to copy`);
  const taken = [];
  for (const s of studies) if (await to.findStudy(s.name)) taken.push(s.name);
  if (taken.length) {
    throw new UserError(
      `${to.location} already has ${taken.length === 1 ? 'a study' : 'studies'} named ${taken.map((n) => `"${n}"`).join(', ')}; nothing was copied. ` +
        `Copy into another file or database${name === undefined ? ', or name one study to copy' : ''} (to refresh an offline copy, copy into a new file: a copy is never written over)`,
    );
  }
  const out = [];
  for (const s of studies) {
    const data = await from.exportStudy(s.id);
    out.push({ study: await to.importStudy(data), trials: data.trials.length, interrupted: data.trials.filter((t) => t.state === 'interrupted').length });
  }
  return out;
}
