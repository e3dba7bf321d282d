import { useEffect, useState } from 'react';
import type { Response } from '../../src-main/shared/contract';
import { call, onEvent } from './client';
import { routeHash, useUi, type Screen } from './state';
import { prefetchExplore } from './useStudy';
import { StudiesScreen } from './screens/Studies';
import { WizardScreen } from './screens/Wizard';
import { RunScreen } from './screens/Run';
import { ExplorerScreen } from './screens/Explorer';
import { ReportsScreen } from './screens/Reports';
import { MetersScreen } from './screens/Meters';
import { NotFoundScreen } from './screens/NotFound';

const NAV: [Screen, string][] = [
  ['studies', 'Studies'],
  ['wizard', 'New study'],
  ['run', 'Run'],
  ['explorer', 'Explore'],
  ['reports', 'Reports'],
  ['meters', 'Energy meters'],
];
const STUDY_SCREENS: Screen[] = ['run', 'explorer', 'reports'];
const TITLES: Record<Screen, string> = { studies: 'Studies', wizard: 'New study', run: 'Run', explorer: 'Explore', reports: 'Reports', meters: 'Energy meters', notfound: 'Not found' };

type Runs = Response<'machine.runs'>['runs'];

/** The studies this app runs now, refreshed when one starts or ends: the way back to a running study after a reload. */
function useRuns(): Runs {
  const [runs, setRuns] = useState<Runs>([]);
  useEffect(() => {
    const load = () => call('machine.runs', {}).then((r) => setRuns(r.runs), () => undefined);
    void load();
    const off = onEvent('study.progress', (p) => {
      if (p.kind === 'start' || p.kind === 'finished' || p.kind === 'end') void load();
    });
    const timer = setInterval(() => void load(), 15_000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, []);
  return runs;
}

/** A study screen for a study the file does not hold is a "not found" page, not an empty screen. */
function useStudyKnown(study: string | null): boolean | null {
  const [known, setKnown] = useState<{ name: string; ok: boolean } | null>(null);
  useEffect(() => {
    if (!study) return;
    let live = true;
    // a study just started is written to the file a moment after it starts: wait for it while it runs
    const check = async (tries: number): Promise<void> => {
      const list = await call('studies.list', {});
      if (list.some((s) => s.name === study)) return void (live && setKnown({ name: study, ok: true }));
      const runs = tries > 0 ? await call('machine.runs', {}) : { runs: [] };
      if (runs.runs.some((r) => r.here && r.study === study)) {
        await new Promise((r) => setTimeout(r, 300));
        if (live) return check(tries - 1);
        return;
      }
      if (live) setKnown({ name: study, ok: false });
    };
    check(30).catch(() => live && setKnown({ name: study, ok: true }));
    return () => {
      live = false;
    };
  }, [study]);
  return study && known?.name === study ? known.ok : null;
}

export function App() {
  const { screen, study, trial, budget, go, error, setError } = useUi();
  const [info, setInfo] = useState<Response<'app.info'> | null>(null);
  // bumped when this tab opens another study file: the footer and the header follow it
  const [fileVersion, setFileVersion] = useState(0);
  const runs = useRuns();
  useEffect(() => {
    call('app.info', {}).then(setInfo, (e: Error) => setError(e.message));
  }, [setError, fileVersion]);
  const studyScreen = STUDY_SCREENS.includes(screen);
  const known = useStudyKnown(studyScreen ? study : null);
  useEffect(() => {
    // asked for now, beside the check that the study exists, not after it
    if (screen === 'explorer' && study) prefetchExplore(study);
  }, [screen, study]);
  useEffect(() => {
    document.title = `${TITLES[screen]}${study && studyScreen ? ` · ${study}` : ''} · ECOpt`;
  }, [screen, study, studyScreen]);
  // runs of this app in the file this tab reads: another tab's file is only "also running on this machine"
  const runningHere = runs.filter((r) => r.here && (!info || r.dbPath === info.dbPath));
  return (
    <div className="app">
      <header>
        <span className="brand">ECOpt</span>
        <nav aria-label="Screens">
          <ul>
            {NAV.map(([s, label]) => {
              const needsStudy = STUDY_SCREENS.includes(s);
              // the explorer's budget back to the explorer; the reports take one only with the model it picked (its button)
              const href = routeHash({ screen: s, study: needsStudy ? study : null, trial: needsStudy ? trial : null, budget: s === 'explorer' ? budget : null });
              return (
                <li key={s}>
                  {needsStudy && !study ? (
                    <a aria-disabled="true" className="disabled" data-testid={`nav-${s}`} title="Open a study first">
                      {label}
                    </a>
                  ) : (
                    <a
                      href={href}
                      className={s === screen ? 'active' : ''}
                      aria-current={s === screen ? 'page' : undefined}
                      data-testid={`nav-${s}`}
                      onClick={(e) => {
                        e.preventDefault();
                        go(s);
                      }}
                    >
                      {label}
                    </a>
                  )}
                </li>
              );
            })}
          </ul>
        </nav>
        <span className="header-study">{study ? `Study: ${study}` : ''}</span>
        {runningHere.length > 0 && (
          <span className="header-running" data-testid="header-running">
            Running now:{' '}
            {runningHere.map((r, i) => (
              <span key={r.study}>
                {i > 0 && ', '}
                <a href={routeHash({ screen: 'run', study: r.study, trial: null, budget: null })} data-testid={`running-${r.study}`}>
                  {r.study}
                </a>
              </span>
            ))}
          </span>
        )}
      </header>
      {error && (
        <div className="error" role="alert" data-testid="error">
          {error} <button onClick={() => setError(null)}>Dismiss</button>
        </div>
      )}
      <main>
        {screen === 'studies' && (
          <StudiesScreen
            runs={runs}
            files={info ? { dbPath: info.dbPath, defaultDbPath: info.defaultDbPath ?? null } : null}
            onFileChange={() => {
              // the study chosen before belongs to the other file
              if (study) go('studies', null);
              setFileVersion((v) => v + 1);
            }}
          />
        )}
        {screen === 'wizard' && <WizardScreen />}
        {screen === 'meters' && <MetersScreen />}
        {screen === 'notfound' && <NotFoundScreen />}
        {studyScreen && !study && <NotFoundScreen />}
        {studyScreen && study && known === false && <NotFoundScreen study={study} dbPath={info?.dbPath ?? null} />}
        {known === true && screen === 'run' && study && <RunScreen key={study} name={study} />}
        {known === true && screen === 'explorer' && study && <ExplorerScreen key={study} name={study} />}
        {known === true && screen === 'reports' && study && <ReportsScreen key={study} name={study} />}
      </main>
      <footer className="muted">{info ? `ECOpt ${info.version} · ${info.dbPath}` : ''}</footer>
    </div>
  );
}
