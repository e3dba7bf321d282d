/**
 * Paths typed or chosen in the app, on the engine's machine: `~` expanded, checked to exist
 * before anything reads them (so a mistyped path is an error, never a new empty file), and the
 * folder listing behind the browser's file and folder chooser.
 */
import { readdirSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { UserError, errorMessage } from '../engine/errors';

const MAX_ENTRIES = 1000;

/** `~` and `~/…` are the home folder; a relative path is relative to the home folder, not to wherever the server started. */
export function expandPath(path: string): string {
  const p = path.trim();
  if (p === '~') return homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return join(homedir(), p.slice(2));
  return resolve(homedir(), p);
}

function stat(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

export function requireFile(path: string, what: string): string {
  const full = expandPath(path);
  const s = stat(full);
  if (!s) throw new UserError(`there is no ${what} at ${full}: check the path for typing mistakes, or choose the file with "Browse…"`);
  if (s.isDirectory()) throw new UserError(`${full} is a folder, not a ${what}: choose the file inside it`);
  return full;
}

export function requireFolder(path: string, what: string): string {
  const full = expandPath(path);
  const s = stat(full);
  if (!s) throw new UserError(`there is no ${what} at ${full}: check the path for typing mistakes, or choose the folder with "Browse…"`);
  if (!s.isDirectory()) throw new UserError(`${full} is a file, not a ${what}: choose the folder that holds it`);
  return full;
}

export interface Listing {
  path: string;
  parent: string | null;
  home: string;
  entries: { name: string; path: string; kind: 'file' | 'folder' }[];
  truncated: boolean;
}

/**
 * The folders and files in a folder (a file's own folder when given a file), folders first,
 * hidden ones left out; files only with one of `extensions` when given (e.g. [".csv"]).
 */
export function browse(path: string | undefined, extensions?: string[]): Listing {
  let dir = expandPath(path && path.trim() ? path : '~');
  const s = stat(dir);
  if (!s) throw new UserError(`there is no folder at ${dir}: check the path`);
  if (!s.isDirectory()) dir = dirname(dir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new UserError(`cannot read the folder ${dir} (${errorMessage(e)}): check its permissions`);
  }
  const wanted = extensions?.map((e) => e.toLowerCase());
  const entries: Listing['entries'] = [];
  for (const name of names.filter((n) => !n.startsWith('.')).sort((a, b) => a.localeCompare(b))) {
    const full = join(dir, name);
    const st = stat(full);
    if (!st) continue;
    if (st.isDirectory()) entries.push({ name, path: full, kind: 'folder' });
    else if (!wanted || wanted.includes(extname(name).toLowerCase())) entries.push({ name, path: full, kind: 'file' });
  }
  entries.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'folder' ? -1 : 1));
  const parent = dirname(dir);
  return { path: dir, parent: parent === dir ? null : parent, home: homedir(), entries: entries.slice(0, MAX_ENTRIES), truncated: entries.length > MAX_ENTRIES };
}
