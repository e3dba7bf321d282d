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
  /**
   * The explorer's budget in words (walk 50: a reload lost it), and on the reports screen the
   * budget that picked `trial`, for the report's "why this model"; null: none.
   */
  budget: string | null;
}

const STUDY_SCREENS: Record<string, Screen> = { run: 'run', explore: 'explorer', reports: 'reports' };
const STUDY_PATHS: Partial<Record<Screen, string>> = { run: 'run', explorer: 'explore', reports: 'reports' };

/** `#/`, `#/new`, `#/meters`, `#/study/<name>/run|explore|reports[?trial=N][&budget=…]`; anything else is not found. */
export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const search = new URLSearchParams(query);
  const trialText = search.get('trial');
  const trial = trialText !== null && /^\d+$/.test(trialText) ? Number(trialText) : null;
  const budgetText = search.get('budget');
  const budget = budgetText !== null && budgetText.trim() ? budgetText : null;
  const none = { study: null, trial: null, budget: null };
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
    const screen = STUDY_SCREENS[parts[2]!]!;
    return { screen, study, trial, budget: screen === 'run' ? null : budget };
  }
  return { screen: 'notfound', ...none };
}

export function routeHash(r: Route): string {
  const sub = STUDY_PATHS[r.screen];
  if (sub && r.study) {
    const query = new URLSearchParams();
    if (r.trial !== null && r.screen !== 'run') query.set('trial', String(r.trial));
    if (r.budget !== null && r.screen !== 'run') query.set('budget', r.budget);
    const q = query.toString();
    return `#/study/${encodeURIComponent(r.study)}/${sub}${q ? `?${q}` : ''}`;
  }
  if (r.screen === 'wizard') return '#/new';
  if (r.screen === 'meters') return '#/meters';
  return '#/';
}

interface UiState extends Route {
  error: string | null;
  /** Moves to a screen (of a study); the chosen trial stays chosen while the study does. */
  /** `budget`: to the reports, the budget that picked the chosen trial (the explorer's Energy report button); otherwise the explorer's own stays with the explorer. */
  go(screen: Screen, study?: string | null, budget?: string): void;
  selectTrial(trial: number | null): void;
  setError(error: string | null): void;
  /** The explorer's budget in words, kept in the address (replacing it, as choosing a trial does). */
  setBudget(budget: string | null): void;
}

function hasWindow(): boolean {
  return typeof window !== 'undefined';
}

function initialRoute(): Route {
  if (!hasWindow()) return { screen: 'studies', study: null, trial: null, budget: null };
  // only the page itself is ours: another path on the server is not a screen
  if (!/^\/(index\.html)?$/.test(window.location.pathname) && window.location.protocol !== 'file:') return { screen: 'notfound', study: null, trial: null, budget: null };
  return parseHash(window.location.hash);
}

export const useUi = create<UiState>((set, get) => ({
  ...initialRoute(),
  error: null,
  go: (screen, study, budget) => {
    const s = get();
    const nextStudy = study === undefined ? s.study : study;
    // the explorer's budget stays the explorer's; the reports get one only with the trial it picked
    // (a report of another trial, opened from its detail, is not "chosen by the budget")
    const kept = nextStudy === s.study && screen === 'explorer' ? s.budget : null;
    const route: Route = { screen, study: nextStudy, trial: nextStudy === s.study ? s.trial : null, budget: screen === 'reports' && budget !== undefined && budget.trim() ? budget : kept };
    set({ ...route, error: null });
    if (hasWindow() && window.location.hash !== routeHash(route)) window.location.hash = routeHash(route);
  },
  selectTrial: (trial) => {
    const before = get();
    // on the reports screen the budget is of the trial it picked: another trial is not its pick
    set({ trial, ...(before.screen === 'reports' && trial !== before.trial ? { budget: null } : {}) });
    const s = get();
    // choosing a trial is not a move: replace the address rather than add to the history
    if (hasWindow() && (s.screen === 'explorer' || s.screen === 'reports')) window.history.replaceState(null, '', routeHash(s));
  },
  setError: (error) => set({ error }),
  setBudget: (budget) => {
    set({ budget: budget !== null && budget.trim() ? budget : null });
    const s = get();
    if (hasWindow() && s.screen === 'explorer') window.history.replaceState(null, '', routeHash(s));
  },
}));

if (hasWindow()) {
  window.addEventListener('hashchange', () => {
    const parsed = parseHash(window.location.hash);
    const s = useUi.getState();
    // a screen of no study (#/, #/new, #/meters) leaves the open study open: Run, Explore and
    // Reports stay a click away after a visit to the studies list
    const r = parsed.study === null && !STUDY_PATHS[parsed.screen] ? { ...parsed, study: s.study, trial: s.trial, budget: s.budget } : parsed;
    if (r.screen !== s.screen || r.study !== s.study || r.trial !== s.trial || r.budget !== s.budget) useUi.setState({ ...r, error: null });
  });
}
