import { useEffect, useState } from 'react';
import type { Response } from '../../../src-main/shared/contract';
import { call } from '../client';
import { useUi } from '../state';

export function MetersScreen() {
  const { setError } = useUi();
  const [r, setR] = useState<Response<'meters.report'> | null>(null);
  useEffect(() => {
    call('meters.report', {}).then(setR, (e: Error) => setError(e.message));
  }, [setError]);
  if (!r) return <p>Looking for energy counters…</p>;
  return (
    <section>
      <h1>Energy meters on this machine</h1>
      {r.estimatedOnly && (
        <div className="banner" data-testid="estimated-banner">
          Every energy figure will be <b>estimated</b>, not measured: no hardware energy counter can be read here.
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th>Source</th>
            <th>Status</th>
            <th>Covers</th>
            <th>What it reads, or the fix</th>
          </tr>
        </thead>
        <tbody>
          {r.report.map((m) => (
            <tr key={m.id}>
              <td>{m.id}</td>
              <td>{m.status}</td>
              <td>{m.domains.join(', ') || '—'}</td>
              <td className="small">{m.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
