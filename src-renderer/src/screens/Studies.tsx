import { useEffect, useState } from 'react';
import type { StudySummary } from '../../../src-main/shared/types';
import { call } from '../client';
import { useUi } from '../state';

export function StudiesScreen() {
  const { go, setError } = useUi();
  const [studies, setStudies] = useState<StudySummary[] | null>(null);
  const [path, setPath] = useState('');
  const load = () => call('studies.list', {}).then(setStudies, (e: Error) => setError(e.message));
  useEffect(() => {
    void load();
  }, []);
  return (
    <section>
      <h1>Studies</h1>
      {studies && studies.length === 0 && (
        <p data-testid="no-studies">
          No studies yet. <button onClick={() => go('wizard')}>Start your first study</button>
        </p>
      )}
      {studies && studies.length > 0 && (
        <table data-testid="studies-table">
          <thead>
            <tr>
              <th>Study</th>
              <th>Done</th>
              <th>Dataset</th>
              <th>Sampler</th>
              <th>Backend</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {studies.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>
                  {s.counts.complete + s.counts.failed + s.counts.pruned}/{s.budget}
                  {s.counts.failed ? ` (${s.counts.failed} failed)` : ''}
                </td>
                <td>{s.dataset}</td>
                <td>{s.sampler}</td>
                <td>{s.backend ?? '—'}</td>
                <td>{s.updatedAt.replace('T', ' ').slice(0, 16)}</td>
                <td>
                  <button data-testid={`open-${s.name}`} onClick={() => go('explorer', s.name)}>
                    Explore
                  </button>{' '}
                  <button onClick={() => go('run', s.name)}>Run view</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Open another study file</h2>
      <p>
        <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/studies.db" size={50} />{' '}
        <button
          onClick={() =>
            call('studies.openFile', { path }).then(
              (r) => setStudies(r.studies),
              (e: Error) => setError(e.message),
            )
          }
        >
          Open
        </button>
      </p>
    </section>
  );
}
