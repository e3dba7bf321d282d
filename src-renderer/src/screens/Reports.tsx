/**
 * Reports: pick any complete trial, the electricity (a country from the bundled list, by name or
 * code, and a PUE), who owns and signs the report; preview it, download its files (PDF, JSON,
 * Markdown, CSV, model card, GPAI rows) or save them to a folder. Inputs are checked here, in
 * the screen's words, before anything is asked of the engine; a message goes once it is fixed.
 */
import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { Response } from '../../../src-main/shared/contract';
import { checkReportInputs, type EnergyReport } from '../../../src-main/shared/report';
import { isRegressionResult } from '../../../src-main/shared/analysis';
import { call } from '../client';
import { zipSync } from 'fflate';
import { download, downloadBytes } from '../download';
import { formatSi, intensityText } from '../format';
import { useUi } from '../state';
import { useStudy } from '../useStudy';

const FORMATS = ['pdf', 'json', 'md', 'csv', 'card', 'gpai'] as const;

/**
 * What the user typed into the report's options, kept in this browser (the desktop window's
 * storage): leaving the screen, a reload or the next session must not wipe the country, PUE,
 * owner and approver (walk 55: a reload lost them). Nothing here is a figure: the report is
 * always made again from the database with them.
 */
interface ReportForm {
  country: string;
  pue: string;
  trainingType: '' | 'pre-training' | 'fine-tuning';
  owner: string;
  organisation: string;
  approver: string;
  set(patch: Partial<Omit<ReportForm, 'set'>>): void;
}

const useReportForm = create<ReportForm>()(
  persist((set) => ({ country: '', pue: '1', trainingType: '', owner: '', organisation: '', approver: '', set: (patch) => set(patch) }), {
    name: 'ecopt.reports.form',
    storage: createJSONStorage(() => window.localStorage),
    partialize: ({ country, pue, trainingType, owner, organisation, approver }) => ({ country, pue, trainingType, owner, organisation, approver }),
  }),
);

export function ReportsScreen({ name }: { name: string }) {
  // `budget`: the explorer's budget that picked `selected` (its Energy report button), kept in the address
  const { trial: selected, budget } = useUi();
  const { view } = useStudy(name);
  const [trial, setTrial] = useState<number | null>(selected);
  const { country, pue, trainingType, owner, organisation, approver, set: setForm } = useReportForm();
  const setCountry = (country: string) => setForm({ country });
  const setPue = (pue: string) => setForm({ pue });
  const setTrainingType = (trainingType: ReportForm['trainingType']) => setForm({ trainingType });
  const setOwner = (owner: string) => setForm({ owner });
  const setOrganisation = (organisation: string) => setForm({ organisation });
  const setApprover = (approver: string) => setForm({ approver });
  const [countries, setCountries] = useState<Response<'report.countries'>>([]);
  const [report, setReport] = useState<EnergyReport | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [outDir, setOutDir] = useState('');
  const [files, setFiles] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const checked = useMemo(() => checkReportInputs({ country, pue }, countries), [country, pue, countries]);
  const complete = (view?.trials ?? []).filter((t) => t.state === 'complete');
  // a regression study measures RMSE, no accuracy: the list and "the most accurate" say so
  const regression = complete.length > 0 && complete.every((t) => t.metrics.accuracy === undefined) && complete.some((t) => t.metrics.rmse !== undefined);
  // a trial without an inference benchmark (a training-only command) is reported per training run
  const chosenTrial = trial !== null ? complete.find((t) => t.number === trial) : undefined;
  const noInference = (t: { metrics: Record<string, number | undefined> }) => t.metrics.infer_energy_j_per_sample === undefined;
  const perTrainingRun = chosenTrial ? noInference(chosenTrial) : complete.length > 0 && complete.every(noInference);
  const options = () =>
    checked.ok
      ? {
          name,
          ...(trial !== null ? { trial } : {}),
          ...(checked.country ? { country: checked.country } : {}),
          pue: checked.pue,
          ...(trainingType ? { trainingType } : {}),
          ...(owner.trim() ? { owner: owner.trim() } : {}),
          ...(organisation.trim() ? { organisation: organisation.trim() } : {}),
          ...(approver.trim() ? { approver: approver.trim() } : {}),
          ...(perTrainingRun ? { unit: 'training-run' as const } : {}),
          // the model the explorer's budget picked: the report says why this model
          ...(budget && selected !== null && selected === trial ? { budget: budget.trim() } : {}),
        }
      : null;
  useEffect(() => {
    call('app.info', {}).then((i) => setOutDir(`${i.dataDir}/reports/${name}`), () => {});
    call('report.countries', {}).then(setCountries, () => {});
  }, [name]);
  useEffect(() => {
    const o = options();
    if (!o) return;
    let live = true;
    call('report.build', o).then(
      (r) => {
        if (!live) return;
        setReport(r);
        setProblem(null);
      },
      (e: Error) => live && setProblem(e.message),
    );
    return () => {
      live = false;
    };
    // options() is rebuilt from these
  }, [name, trial, checked.ok ? checked.country : null, checked.ok ? checked.pue : null, trainingType, owner, organisation, approver, perTrainingRun, budget, selected]);

  const downloadAll = async (formats: (typeof FORMATS)[number][] = [...FORMATS]) => {
    const o = options();
    if (!o) return;
    setBusy(true);
    try {
      const r = await call('report.download', { ...o, formats });
      // named for the study and trial, the PDF alone as the .zip is (walk 42: a plain energy-report.pdf beside trial-8's zip)
      const prefix = `${name}-trial-${report?.trial.number ?? trial ?? 'report'}`.replace(/[^\w.-]+/g, '-');
      if (r.files.length === 1) {
        const single = `${prefix}-${r.files[0]!.name}`;
        download(single, r.files[0]!.mimeType, r.files[0]!.base64);
        setFiles([`${single} (downloaded)`]);
      } else {
        // one .zip, not seven downloads a browser asks about one by one (walk 38)
        const zip = zipSync(Object.fromEntries(r.files.map((f) => [f.name, Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))])), { level: 6 });
        const zipName = `${prefix}-energy-report.zip`;
        downloadBytes(zipName, 'application/zip', zip);
        setFiles([`${zipName} (downloaded), holding ${r.files.map((f) => f.name).join(', ')}`]);
      }
      setProblem(null);
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const saveToFolder = () => {
    const o = options();
    if (!o) return;
    call('report.export', { ...o, formats: [...FORMATS], outDir }).then(
      (r) => {
        setFiles(r.files);
        setProblem(null);
      },
      (e: Error) => setProblem(e.message),
    );
  };
  const errors = checked.ok ? {} : checked.errors;
  return (
    <section>
      <h1>Energy report</h1>
      <div className="card" data-testid="report-inputs">
        <p>
          Model{' '}
          <select value={trial ?? ''} onChange={(e) => setTrial(e.target.value === '' ? null : Number(e.target.value))} aria-label="Model" data-testid="report-trial">
            <option value="">{regression ? 'the most accurate (lowest RMSE)' : 'the most accurate'}</option>
            {complete.map((t) => (
              <option key={t.number} value={t.number}>
                #{t.number}
                {t.metrics.accuracy !== undefined ? ` · ${(t.metrics.accuracy * 100).toFixed(1)}%` : t.metrics.rmse !== undefined ? ` · RMSE ${Number(t.metrics.rmse.toPrecision(4))}` : ''}
                {t.metrics.infer_energy_j_per_sample !== undefined ? ` · ${formatSi(t.metrics.infer_energy_j_per_sample, 'J')} per prediction` : ''}
              </option>
            ))}
          </select>
        </p>
        <p>
          Country of the electricity{' '}
          <input value={country} list="report-countries" placeholder="France or FRA; empty: world average" size={30} onChange={(e) => setCountry(e.target.value)} aria-label="Country of the electricity" data-testid="report-country" />
          <datalist id="report-countries">
            {countries.map((c) => (
              <option key={c.iso3} value={c.name}>
                {c.iso3}
              </option>
            ))}
          </datalist>{' '}
          · PUE <input value={pue} size={5} inputMode="decimal" onChange={(e) => setPue(e.target.value)} aria-label="PUE" data-testid="report-pue" /> · Training{' '}
          <select value={trainingType} onChange={(e) => setTrainingType(e.target.value as typeof trainingType)} aria-label="Training" data-testid="report-training-type">
            <option value="">as the study says</option>
            <option value="pre-training">from scratch (pre-training)</option>
            <option value="fine-tuning">fine-tuning a model</option>
          </select>
        </p>
        <p className="muted small" data-testid="report-inputs-help">
          The country sets the grid&apos;s carbon per kWh (left empty, the world average, said as such). PUE (power usage effectiveness) is the building&apos;s overhead
          on the computer&apos;s energy: 1 for a desktop or laptop, about 1.1–1.6 in a data centre (ask its operator). Training says whether the model was trained from
          scratch or by fine-tuning another, as the Hugging Face model card asks.
        </p>
        {errors.country && (
          <p className="warning" data-testid="report-country-error">
            {errors.country}
          </p>
        )}
        {errors.pue && (
          <p className="warning" data-testid="report-pue-error">
            {errors.pue}
          </p>
        )}
        <p>
          Report owner <input value={owner} onChange={(e) => setOwner(e.target.value)} aria-label="Report owner" data-testid="report-owner" /> · organisation{' '}
          <input value={organisation} onChange={(e) => setOrganisation(e.target.value)} aria-label="Organisation" data-testid="report-organisation" /> · approved by{' '}
          <input value={approver} onChange={(e) => setApprover(e.target.value)} aria-label="Approved by" data-testid="report-approver" />
        </p>
      </div>
      {problem && (
        <p className="warning" role="alert" data-testid="report-problem">
          {problem}
        </p>
      )}
      {report && (
        <div className="card" data-testid="report-preview" style={checked.ok ? undefined : { opacity: 0.5 }} title={checked.ok ? undefined : 'the figures of the last valid inputs'}>
          <h2>
            {report.study.name}, trial {report.trial.number}
          </h2>
          <table className="small">
            <tbody>
              {(report.document.owner || report.document.organisation || report.document.approver) && (
                <tr>
                  <td>Prepared by</td>
                  <td data-testid="report-document">
                    {[report.document.owner && `owner ${report.document.owner}`, report.document.organisation, report.document.approver && `approved by ${report.document.approver}`].filter(Boolean).join(' · ')}
                  </td>
                </tr>
              )}
              {report.selection && (
                <tr>
                  <td>Why this model</td>
                  <td data-testid="report-selection">
                    Chosen by the budget &ldquo;{report.selection.budget}&rdquo; ({report.selection.readAs}). {report.selection.sentence}
                    {report.selection.caveat && <> ⚠ {report.selection.caveat}</>}
                  </td>
                </tr>
              )}
              <tr>
                <td>Model</td>
                <td data-testid="report-model">
                  {Object.entries(report.trial.params)
                    .map(([k, v]) => `${k}=${String(v)}`)
                    .join(', ')}
                  {/* what ties the report to the model taken away, as the PDF states it */}
                  {report.trial.weightsSha256 ? ` · weights SHA-256 ${report.trial.weightsSha256}` : ''}
                  {report.trial.artifactSha256 ? ` · ${Object.entries(report.trial.artifactSha256).map(([f, h]) => `${f} SHA-256 ${h}`).join('; ')}` : ''}
                </td>
              </tr>
              {isRegressionResult(report.trial.metrics) && report.trial.metrics.rmse !== undefined && (
                <tr>
                  <td>RMSE</td>
                  <td data-testid="report-accuracy">
                    {report.trial.kind === 'command' ? 'as the training command reported it' : 'validation'} {Number(report.trial.metrics.rmse.toPrecision(4))} in the target&apos;s units (lower is better)
                    {report.trial.testRmse !== undefined && <> · on held-out test data {Number(report.trial.testRmse.toPrecision(4))} (never seen in training or in choosing: what to expect on new data)</>}
                  </td>
                </tr>
              )}
              {report.trial.metrics.accuracy !== undefined && (
                <tr>
                  <td>Accuracy</td>
                  <td data-testid="report-accuracy">
                    {report.trial.kind === 'command' ? 'as the training command reported it' : 'validation'} {(report.trial.metrics.accuracy * 100).toFixed(2)}%
                    {/* a command's test figure is its own, on data ECOpt does not know (walk 50: the app called it held out, as the Markdown and PDF do not) */}
                    {report.trial.testAccuracy !== undefined &&
                      (report.trial.kind === 'command' ? (
                        <> · test accuracy {(report.trial.testAccuracy * 100).toFixed(2)}%, as the training command reported it, on data ECOpt does not know</>
                      ) : (
                        <> · on held-out test data {(report.trial.testAccuracy * 100).toFixed(2)}% (never seen in training or in choosing: what to expect on new data)</>
                      ))}
                  </td>
                </tr>
              )}
              <tr>
                <td>Developing this model</td>
                <td data-testid="report-campaign">
                  {formatSi(report.campaign.energyJ, 'J')} for the whole tuning campaign ({(report.campaign.prunedOrFailedShare * 100).toFixed(1)}% on pruned or failed trials)
                </td>
              </tr>
              <tr>
                <td>Training energy</td>
                <td>
                  {formatSi(report.training.energyJ, 'J')} ({report.training.method}
                  {report.training.uncertaintyRel !== null && report.training.uncertaintyRel > 0 ? `, ±${Math.round(report.training.uncertaintyRel * 100)}%` : ''}; {report.training.energyMWh2sf} MWh in the GPAI form&apos;s unit)
                </td>
              </tr>
              <tr>
                <td>Inference</td>
                <td>
                  {report.inference
                    ? `${formatSi(report.inference.jPerSample, 'J')} per prediction (${report.inference.method}${report.inference.uncertaintyRel !== null && report.inference.uncertaintyRel > 0 ? `, ±${Math.round(report.inference.uncertaintyRel * 100)}%` : ''})`
                    : 'not applicable: this trial ran no inference benchmark (training only)'}
                </td>
              </tr>
              <tr>
                <td>Emissions</td>
                <td>
                  campaign {formatSi(report.emissions.campaignG, 'g')} CO2e, training {formatSi(report.emissions.trainingG, 'g')} CO2e
                  {report.campaign.uncertaintyRel !== null && report.campaign.uncertaintyRel > 0 ? ` (±${Math.round(report.campaign.uncertaintyRel * 100)}%, as their energy)` : ''} · {intensityText(report.emissions.intensityGPerKWh)}, {report.emissions.country}
                  {report.emissions.origin === 'world-fallback' ? ' (world average: choose a country above)' : ''}
                </td>
              </tr>
              <tr>
                <td>SCI</td>
                <td>{report.sci.text}</td>
              </tr>
              <tr>
                <td>Hardware</td>
                <td>{report.hardware.summary}</td>
              </tr>
              {report.pareto && (
                <tr>
                  <td>Trade-off</td>
                  <td>{report.pareto.sentence}</td>
                </tr>
              )}
              {report.payback && (
                <tr>
                  <td>Payback</td>
                  <td data-testid="report-payback">{report.payback.sentence}</td>
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
        <button data-testid="download-pdf" disabled={!checked.ok || busy} onClick={() => void downloadAll(['pdf'])}>
          Download the PDF
        </button>{' '}
        <button data-testid="download" disabled={!checked.ok || busy} onClick={() => void downloadAll()}>
          Download all files
        </button>{' '}
        or save them in <input value={outDir} onChange={(e) => setOutDir(e.target.value)} size={50} aria-label="Folder to save in" />{' '}
        <button data-testid="export" disabled={!checked.ok} onClick={saveToFolder}>
          Save to folder
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
