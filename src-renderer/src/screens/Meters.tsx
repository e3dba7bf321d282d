import { useEffect, useState } from 'react';
import type { Response } from '../../../src-main/shared/contract';
import { call } from '../client';
import { useUi } from '../state';
import { domainWords, meterName, meterStatusWords } from '../../../src-main/shared/meter-words';

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
      <p className="small" data-testid="meters-intro">
        ECOpt reads these sources while each trial runs. A <b>measured</b> figure comes from a counter in the hardware; an <b>estimated</b> one is worked out from
        the chip&apos;s rated power and how busy it was, and says how far off it may be (±). Every energy figure in the app and in its reports names its source.
      </p>
      {r.estimatedOnly && (
        <div className="banner" data-testid="estimated-banner">
          Every energy figure will be <b>estimated</b>, not measured: no hardware energy counter can be read here. Comparisons between models on this machine
          still hold; the absolute figures may be off by the ± shown. On a computer with an Intel or AMD processor running Linux directly, or an NVIDIA graphics card,
          they are measured; a virtual machine or a container usually hides the processor&apos;s counters even where the processor has them (the table below says
          what each source found).
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
            <tr key={m.id} data-testid={`meter-${m.id}`}>
              <td>
                {meterName(m.id)}
                <br />
                <code className="muted small">{m.id}</code>
              </td>
              <td title={m.status}>{meterStatusWords(m.status)}</td>
              <td>{m.domains.map(domainWords).join(', ') || '—'}</td>
              <td className="small">{m.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
