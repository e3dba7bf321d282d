/**
 * A path on the engine's machine, typed or chosen: "Browse…" opens the system's dialog in the
 * desktop app, and in the browser a chooser that lists the folders of the machine `ecopt serve`
 * runs on (the files are read there, so that is where they must be chosen). `~` is the home folder.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { Response } from '../../src-main/shared/contract';
import { call } from './client';

export interface PathFieldProps {
  label: string;
  value: string;
  onChange(path: string): void;
  /** Called with the chosen path when the user picks one with "Browse…". */
  onPick?(path: string): void;
  kind: 'file' | 'folder';
  /** Files shown in the chooser, e.g. [".csv"]; folders are always shown. */
  extensions?: string[];
  placeholder?: string;
  testId: string;
  invalid?: boolean;
}

export function PathField({ label, value, onChange, onPick, kind, extensions, placeholder, testId, invalid }: PathFieldProps) {
  const id = useId();
  const [choosing, setChoosing] = useState(false);
  const pick = (path: string) => {
    onChange(path);
    onPick?.(path);
  };
  const browse = async () => {
    if (window.ecopt?.pickPath) {
      const p = await window.ecopt.pickPath({ kind, ...(extensions ? { extensions } : {}), title: label });
      if (p) pick(p);
    } else setChoosing(true);
  };
  return (
    <span className="path-field">
      <label htmlFor={id}>{label}</label>{' '}
      <input id={id} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} size={44} data-testid={testId} aria-invalid={invalid || undefined} spellCheck={false} />{' '}
      <button type="button" onClick={() => void browse()} data-testid={`${testId}-browse`}>
        Browse…
      </button>
      {choosing && (
        <Chooser
          title={label}
          start={value}
          kind={kind}
          {...(extensions ? { extensions } : {})}
          onClose={() => setChoosing(false)}
          onChoose={(p) => {
            setChoosing(false);
            pick(p);
          }}
        />
      )}
    </span>
  );
}

/** The last folder a chooser listed in this browser, where the next one opens when its field is empty (walk 49: every chooser opened at the home folder). */
const LAST_FOLDER_KEY = 'ecopt.chooser.lastFolder';

function remembered(): string | undefined {
  try {
    return window.localStorage.getItem(LAST_FOLDER_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function remember(path: string): void {
  try {
    window.localStorage.setItem(LAST_FOLDER_KEY, path);
  } catch {
    // storage off (a private window): the next chooser opens at the home folder
  }
}

function Chooser({ title, start, kind, extensions, onClose, onChoose }: { title: string; start: string; kind: 'file' | 'folder'; extensions?: string[]; onClose(): void; onChoose(path: string): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const folderId = useId();
  const [listing, setListing] = useState<Response<'files.browse'> | null>(null);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const list = (path: string | undefined) => call('files.browse', { ...(path ? { path } : {}), ...(extensions ? { extensions } : {}) });
  // Only the latest request's answer is shown, and an answer never overwrites what the user
  // typed meanwhile: on a slow engine the first listing can arrive after they typed a folder.
  const latest = useRef(0);
  const edited = useRef(false);
  const show = (my: number) => (l: Response<'files.browse'>) => {
    if (my !== latest.current) return;
    setListing(l);
    remember(l.path);
    if (!edited.current) setTyped(l.path);
    setProblem(null);
  };
  const failed = (my: number) => (e: Error) => {
    if (my === latest.current) setProblem(e.message);
  };
  const open = (path: string | undefined) => {
    const my = ++latest.current;
    edited.current = false;
    return list(path).then(show(my), failed(my));
  };
  useEffect(() => {
    ref.current?.showModal();
    // opens once, where the field points: its folder when the file is not there (yet); an empty
    // field at the folder the last chooser listed; else home
    const parent = start.replace(/[\\/][^\\/]*[\\/]?$/, '');
    const my = ++latest.current;
    list(start || remembered())
      .catch(() => (parent && parent !== start ? list(parent) : Promise.reject(new Error('no parent'))))
      .catch(() => list(undefined))
      .then(show(my), failed(my));
  }, []);
  return (
    <dialog ref={ref} className="chooser" aria-labelledby={titleId} onClose={onClose} data-testid="chooser">
      <h2 id={titleId}>{title}</h2>
      <form
        className="chooser-path"
        onSubmit={(e) => {
          e.preventDefault();
          void open(typed);
        }}
      >
        <label htmlFor={folderId}>Folder</label>{' '}
        <input id={folderId} value={typed} onChange={(e) => {
            edited.current = true;
            setTyped(e.target.value);
          }} size={50} data-testid="chooser-folder" spellCheck={false} /> <button type="submit">Go</button>{' '}
        <button type="button" disabled={!listing?.parent} onClick={() => listing?.parent && void open(listing.parent)} data-testid="chooser-up">
          Up
        </button>{' '}
        <button type="button" onClick={() => void open('~')}>
          Home
        </button>
      </form>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {listing && (
        <ul className="chooser-list" aria-label={`Contents of ${listing.path}`}>
          {/* a folder of files only, for a folder chooser, is as empty as an empty one */}
          {!listing.entries.some((e) => kind === 'file' || e.kind === 'folder') && (
            <li className="muted" data-testid="chooser-empty">
              {kind === 'file' ? `No folders or ${extensions?.length ? `${extensions.join(', ')} files` : 'files'} here` : 'No folders here'} (hidden ones, whose names start with &quot;.&quot;, are not listed). Type a
              folder above and press Go, or go Up.
            </li>
          )}
          {listing.entries
            .filter((e) => kind === 'file' || e.kind === 'folder')
            .map((e) => (
              <li key={e.path}>
                <button type="button" className="link" onClick={() => (e.kind === 'folder' ? void open(e.path) : onChoose(e.path))} data-testid={`chooser-entry-${e.name}`}>
                  {e.kind === 'folder' ? <b>{e.name}/</b> : e.name}
                </button>
              </li>
            ))}
          {listing.truncated && <li className="muted">Only the first 1000 entries are listed; type the path instead.</li>}
        </ul>
      )}
      <p className="chooser-actions">
        {kind === 'folder' && listing && (
          <button type="button" className="primary" onClick={() => onChoose(listing.path)} data-testid="chooser-choose-folder">
            Choose this folder
          </button>
        )}{' '}
        <button type="button" onClick={() => ref.current?.close()} data-testid="chooser-cancel">
          Cancel
        </button>
      </p>
    </dialog>
  );
}
