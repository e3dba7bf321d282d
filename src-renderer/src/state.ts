/**
 * UI state (zustand): which screen, which study, which trial — mirrored in the address's hash
 * (`#/study/digits-quick/run`), so a reload, a bookmark or a second tab lands on the same place,
 * and the browser's back and forward buttons move between screens.
 */
import { create } from 'zustand';

export type Screen = 'studies' | 'wizard' | 'run' | 'explorer' | 'reports' | 'meters' | 'notfound';

export interface Route {
  screen: Screen;
  study: string | null;
  trial: number | null;
}

const STUDY_SCREENS: Record<string, Screen> = { run: 'run', explore: 'explorer', reports: 'reports' };
const STUDY_PATHS: Partial<Record<Screen, string>> = { run: 'run', explorer: 'explore', reports: 'reports' };

/** `#/`, `#/new`, `#/meters`, `#/study/<name>/run|explore|reports[?trial=N]`; anything else is not found. */
export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const trialText = new URLSearchParams(query).get('trial');
  const trial = trialText !== null && /^\d+$/.test(trialText) ? Number(trialText) : null;
  const none = { study: null, trial: null };
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'studies')) return { screen: 'studies', ...none };
  if (parts.length === 1 && parts[0] === 'new') return { screen: 'wizard', ...none };
  if (parts.length === 1 && parts[0] === 'meters') return { screen: 'meters', ...none };
  if (parts.length === 3 && parts[0] === 'study' && STUDY_SCREENS[parts[2]!]) {
    let study: string;
    try {
      study = decodeURIComponent(parts[1]!);
    } catch {
      return { screen: 'notfound', ...none };
    }
    return { screen: STUDY_SCREENS[parts[2]!]!, study, trial };
  }
  return { screen: 'notfound', ...none };
}

export function routeHash(r: Route): string {
  const sub = STUDY_PATHS[r.screen];
  if (sub && r.study) return `#/study/${encodeURIComponent(r.study)}/${sub}${r.trial !== null && r.screen !== 'run' ? `?trial=${r.trial}` : ''}`;
  if (r.screen === 'wizard') return '#/new';
  if (r.screen === 'meters') return '#/meters';
  return '#/';
}

interface UiState extends Route {
  error: string | null;
  /** Moves to a screen (of a study); the chosen trial stays chosen while the study does. */
  go(screen: Screen, study?: string | null): void;
  selectTrial(trial: number | null): void;
  setError(error: string | null): void;
  /** The budget in words a model was picked by in the explorer, for its report's "why this model" (this study only). */
  budgetPick: { trial: number; words: string } | null;
  setBudgetPick(pick: { trial: number; words: string } | null): void;
}

function hasWindow(): boolean {
  return typeof window !== 'undefined';
}

function initialRoute(): Route {
  if (!hasWindow()) return { screen: 'studies', study: null, trial: null };
  // only the page itself is ours: another path on the server is not a screen
  if (!/^\/(index\.html)?$/.test(window.location.pathname) && window.location.protocol !== 'file:') return { screen: 'notfound', study: null, trial: null };
  return parseHash(window.location.hash);
}

export const useUi = create<UiState>((set, get) => ({
  ...initialRoute(),
  error: null,
  budgetPick: null,
  go: (screen, study) => {
    const s = get();
    const nextStudy = study === undefined ? s.study : study;
    const route: Route = { screen, study: nextStudy, trial: nextStudy === s.study ? s.trial : null };
    set({ ...route, error: null, ...(nextStudy === s.study ? {} : { budgetPick: null }) });
    if (hasWindow() && window.location.hash !== routeHash(route)) window.location.hash = routeHash(route);
  },
  selectTrial: (trial) => {
    set({ trial });
    const s = get();
    // choosing a trial is not a move: replace the address rather than add to the history
    if (hasWindow() && (s.screen === 'explorer' || s.screen === 'reports')) window.history.replaceState(null, '', routeHash({ screen: s.screen, study: s.study, trial }));
  },
  setError: (error) => set({ error }),
  setBudgetPick: (budgetPick) => set({ budgetPick }),
}));

if (hasWindow()) {
  window.addEventListener('hashchange', () => {
    const parsed = parseHash(window.location.hash);
    const s = useUi.getState();
    // a screen of no study (#/, #/new, #/meters) leaves the open study open: Run, Explore and
    // Reports stay a click away after a visit to the studies list
    const r = parsed.study === null && !STUDY_PATHS[parsed.screen] ? { ...parsed, study: s.study, trial: s.trial } : parsed;
    if (r.screen !== s.screen || r.study !== s.study || r.trial !== s.trial) useUi.setState({ ...r, error: null });
  });
}
