import { useEffect, useState } from 'react';
import type { Response } from '../../../src-main/shared/contract';
import type { StudySummary } from '../../../src-main/shared/types';
import { datasetText } from '../../../src-main/shared/spec';
import { call, setTabDbPath, tabDbPath } from '../client';
import { PathField } from '../PathField';
import { routeHash, useUi } from '../state';

type Runs = Response<'machine.runs'>['runs'];

/**
 * `files`: the study file this tab reads and the server's own; `onFileChange` after this tab
 * switched file (other tabs keep theirs).
 */
export function StudiesScreen({ runs, files, onFileChange }: { runs: Runs; files: { dbPath: string; defaultDbPath: string | null } | null; onFileChange: () => void }) {
  const { go, setError } = useUi();
  const [studies, setStudies] = useState<StudySummary[] | null>(null);
  const [path, setPath] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  useEffect(() => {
    call('studies.list', {}).then(setStudies, (e: Error) => setError(e.message));
  }, [setError]);
  const open = (p: string) =>
    call('studies.openFile', { path: p }).then(
      (r) => {
        setTabDbPath(r.dbPath === files?.defaultDbPath ? null : r.dbPath);
        setStudies(r.studies);
        setOpened(r.dbPath);
        // a database URL may carry a password: not left on screen once opened
        if (r.remote) setPath('');
        setProblem(null);
        onFileChange();
      },
      (e: Error) => setProblem(e.message),
    );
  const backHome = () => {
    setTabDbPath(null);
    setOpened(files?.defaultDbPath ?? null);
    setProblem(null);
    call('studies.list', {}).then(setStudies, (e: Error) => setError(e.message));
    onFileChange();
  };
  const elsewhereFile = tabDbPath() !== null && files?.defaultDbPath && files.dbPath !== files.defaultDbPath;
  const mine = runs.filter((r) => r.here && (!files || r.dbPath === files.dbPath));
  const here = new Set(mine.map((r) => r.study));
  const elsewhere = runs.filter((r) => !mine.includes(r));
  return (
    <section aria-labelledby="studies-title">
      <h1 id="studies-title">Studies</h1>
      {files && (
        <p className="muted small" data-testid="study-file">
          In {files.dbPath}
          {elsewhereFile ? ' (opened in this tab only; other tabs keep their file)' : ''}
          {elsewhereFile && (
            <>
              {' '}
              <button onClick={backHome} data-testid="open-default">
                Back to {files.defaultDbPath}
              </button>
            </>
          )}
        </p>
      )}
      {mine.length > 0 && (
        <p className="banner" data-testid="running-banner">
          Running now:{' '}
          {mine.map((r) => (
              <a key={r.study} href={routeHash({ screen: 'run', study: r.study, trial: null, budget: null })}>
                {r.study}
              </a>
            ))}
        </p>
      )}
      {elsewhere.length > 0 && (
        <p className="banner" data-testid="running-elsewhere">
          Also running on this machine: {elsewhere.map((r) => `“${r.study}” (pid ${r.pid}, ${r.dbPath})`).join(', ')}. Energy measured while it runs includes part of its work.
        </p>
      )}
      {studies && studies.length === 0 && (
        <p data-testid="no-studies">
          No studies yet. <button onClick={() => go('wizard')}>Start your first study</button>
        </p>
      )}
      {studies && studies.length > 0 && (
        <table data-testid="studies-table">
          <thead>
            <tr>
              <th scope="col">Study</th>
              <th scope="col">Done</th>
              <th scope="col">Dataset</th>
              <th scope="col">Sampler</th>
              <th scope="col">Backend</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {studies.map((s) => (
              <tr key={s.id}>
                <td>
                  <a href={routeHash({ screen: 'explorer', study: s.name, trial: null, budget: null })} data-testid={`study-link-${s.name}`} title={`Explore ${s.name}`}>
                    {s.name}
                  </a>
                  {here.has(s.name) && (
                    <span className="badge" data-testid={`running-badge-${s.name}`}>
                      {' '}
                      running
                    </span>
                  )}
                </td>
                <td>
                  {s.counts.complete + s.counts.failed + s.counts.pruned}/{s.budget}
                  {s.counts.failed ? ` (${s.counts.failed} failed)` : ''}
                </td>
                <td>{datasetText(s.dataset)}</td>
                <td>{s.sampler}</td>
                <td>{s.backend ?? '—'}</td>
                <td>{s.updatedAt.replace('T', ' ').slice(0, 16)}</td>
                <td>
                  <button data-testid={`open-${s.name}`} onClick={() => go('explorer', s.name)} aria-label={`Explore ${s.name}`}>
                    Explore
                  </button>{' '}
                  <button onClick={() => go('run', s.name)} aria-label={`Run view of ${s.name}`} data-testid={`run-${s.name}`}>
                    Run view
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Open another study file</h2>
      <p className="muted small">
        Opens an existing study file (.db) in this tab, in place of the current one; other tabs keep theirs, and nothing is created if the path is wrong. A{' '}
        <code>postgresql://</code> URL opens the studies that <code>ecopt worker</code>s share there, read-only, with their trials as they arrive.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void open(path);
        }}
      >
        <PathField label="Study file" kind="file" extensions={['.db', '.sqlite', '.sqlite3']} value={path} onChange={setPath} placeholder="~/studies.db or postgresql://user:password@host/db" testId="open-path" invalid={!!problem} />{' '}
        <button type="submit" disabled={!path.trim()} data-testid="open-file">
          Open
        </button>
      </form>
      {problem && (
        <p className="error" role="alert" data-testid="open-problem">
          {problem}
        </p>
      )}
      {opened && (
        <p className="muted" role="status" data-testid="open-status">
          This tab now shows {opened}.
        </p>
      )}
    </section>
  );
}
