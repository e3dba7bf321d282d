/** Reports: preview the energy report of a trial and export it (PDF, JSON, Markdown, CSV, model card, GPAI rows). */
import { useEffect, useState } from 'react';
import type { EnergyReport } from '../../../src-main/shared/report';
import { call } from '../client';
import { formatSi } from '../format';
import { useUi } from '../state';

export function ReportsScreen({ name }: { name: string }) {
  const { trial, setError } = useUi();
  const [country, setCountry] = useState('');
  const [pue, setPue] = useState('1');
  const [report, setReport] = useState<EnergyReport | null>(null);
  const [outDir, setOutDir] = useState('');
  const [files, setFiles] = useState<string[]>([]);
  const options = () => ({ name, ...(trial !== null ? { trial } : {}), ...(country.length === 3 ? { country: country.toUpperCase() } : {}), pue: Number(pue) || 1 });
  useEffect(() => {
    call('app.info', {}).then((i) => setOutDir(`${i.dataDir}/reports/${name}`), () => {});
  }, [name]);
  useEffect(() => {
    call('report.build', options()).then(setReport, (e: Error) => setError(e.message));
  }, [name, trial, country, pue]);
  return (
    <section>
      <h1>Energy report</h1>
      <p>
        Country (ISO 3166 alpha-3) <input value={country} maxLength={3} size={4} onChange={(e) => setCountry(e.target.value)} data-testid="report-country" /> · PUE{' '}
        <input type="number" min="1" step="0.01" value={pue} onChange={(e) => setPue(e.target.value)} />
      </p>
      {report && (
        <div className="card" data-testid="report-preview">
          <h2>
            {report.study.name}, trial {report.trial.number}
          </h2>
          <table className="small">
            <tbody>
              <tr>
                <td>Training energy</td>
                <td>
                  {report.training.energyMWh2sf} MWh ({report.training.method})
                </td>
              </tr>
              <tr>
                <td>Inference</td>
                <td>
                  {formatSi(report.inference.jPerSample, 'J')} per prediction ({report.inference.method})
                </td>
              </tr>
              <tr>
                <td>Emissions (training)</td>
                <td>
                  {report.emissions.trainingG.toPrecision(3)} g CO2e · {report.emissions.intensityGPerKWh} g/kWh, {report.emissions.country}
                  {report.emissions.origin === 'world-fallback' ? ' (world average: choose a country)' : ''}
                </td>
              </tr>
              <tr>
                <td>SCI</td>
                <td>
                  {report.sci.scoreG.toPrecision(3)} g per {report.sci.functionalUnit}
                </td>
              </tr>
              {report.pareto && (
                <tr>
                  <td>Trade-off</td>
                  <td>{report.pareto.sentence}</td>
                </tr>
              )}
            </tbody>
          </table>
          <h3>Methodology</h3>
          <ul className="small">
            {report.methodology.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      <p>
        Save to <input value={outDir} onChange={(e) => setOutDir(e.target.value)} size={60} />{' '}
        <button
          data-testid="export"
          onClick={() =>
            call('report.export', { ...options(), formats: ['pdf', 'json', 'md', 'csv', 'card', 'gpai'], outDir }).then(
              (r) => setFiles(r.files),
              (e: Error) => setError(e.message),
            )
          }
        >
          Export all formats
        </button>
      </p>
      {files.length > 0 && (
        <ul data-testid="exported">
          {files.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
