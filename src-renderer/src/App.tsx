import { useEffect, useState } from 'react';
import { call } from './client';
import { useUi, type Screen } from './state';
import { StudiesScreen } from './screens/Studies';
import { WizardScreen } from './screens/Wizard';
import { RunScreen } from './screens/Run';
import { ExplorerScreen } from './screens/Explorer';
import { ReportsScreen } from './screens/Reports';
import { MetersScreen } from './screens/Meters';

const NAV: [Screen, string][] = [
  ['studies', 'Studies'],
  ['wizard', 'New study'],
  ['run', 'Run'],
  ['explorer', 'Explore'],
  ['reports', 'Reports'],
  ['meters', 'Energy meters'],
];

export function App() {
  const { screen, study, go, error, setError } = useUi();
  const [info, setInfo] = useState<{ version: string; dbPath: string } | null>(null);
  useEffect(() => {
    call('app.info', {}).then(setInfo, (e: Error) => setError(e.message));
  }, [setError]);
  return (
    <div className="app">
      <header>
        <span className="brand">ECOpt</span>
        <nav>
          {NAV.map(([s, label]) => (
            <button key={s} className={s === screen ? 'active' : ''} data-testid={`nav-${s}`} disabled={(s === 'run' || s === 'explorer' || s === 'reports') && !study} onClick={() => go(s)}>
              {label}
            </button>
          ))}
        </nav>
        <span className="muted">{study ? `Study: ${study}` : ''}</span>
      </header>
      {error && (
        <div className="error" role="alert" data-testid="error">
          {error} <button onClick={() => setError(null)}>dismiss</button>
        </div>
      )}
      <main>
        {screen === 'studies' && <StudiesScreen />}
        {screen === 'wizard' && <WizardScreen />}
        {screen === 'run' && study && <RunScreen name={study} />}
        {screen === 'explorer' && study && <ExplorerScreen name={study} />}
        {screen === 'reports' && study && <ReportsScreen name={study} />}
        {screen === 'meters' && <MetersScreen />}
      </main>
      <footer className="muted">{info ? `ECOpt ${info.version} · ${info.dbPath}` : ''}</footer>
    </div>
  );
}
