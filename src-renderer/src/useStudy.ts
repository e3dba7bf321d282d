import { useCallback, useEffect, useState } from 'react';
import type { ExploreView, StudyView } from '../../src-main/shared/contract';
import { fromColumns, type TrialLike } from '../../src-main/shared/columns';
import { call, onEvent, tabDbPath } from './client';
import { useUi } from './state';

/** The study view, refreshed whenever the engine reports progress on it. */
export function useStudy(name: string): { view: StudyView | null; refresh: () => void } {
  const { setError } = useUi();
  const [view, setView] = useState<StudyView | null>(null);
  const refresh = useCallback(() => {
    call('study.get', { name }).then(setView, (e: Error) => setError(e.message));
  }, [name, setError]);
  useLive(name, refresh, view?.remote !== undefined);
  return { view, refresh };
}

/**
 * Keeps a view of study `name` current: `refresh` now, on every progress event of the study (its
 * errors shown), and, for a study read from a database (`remote`), every POLL_MS, since remote
 * workers' trials arrive with no event here.
 */
function useLive(name: string, refresh: () => void, remote: boolean): void {
  const { setError } = useUi();
  useEffect(() => (remote ? poll(refresh) : undefined), [remote, refresh]);
  useEffect(() => {
    refresh();
    return onEvent('study.progress', (p) => {
      if (p.name !== name) return;
      refresh();
      if (p.kind === 'error' && p.message) setError(p.message);
    });
  }, [name, refresh, setError]);
}

/** How often a view of a study read from a database asks again (the server's snapshot is as young). */
const POLL_MS = 2_000;

function poll(refresh: () => void): () => void {
  const timer = setInterval(() => {
    if (document.visibilityState !== 'hidden') refresh();
  }, POLL_MS);
  return () => clearInterval(timer);
}

/** The explorer's view of a study with its trials back as records (shared/columns.ts). */
export type ExplorerData = Omit<ExploreView, 'trials'> & { trials: TrialLike[] };

/**
 * A request for the explorer's view made when the explorer was asked for, before the screen knows
 * the study exists and mounts (bench:frontier: that check is a round trip of its own); the screen
 * takes it if it is young, else asks again.
 */
let early: { name: string; db: string | null; at: number; answer: Promise<ExploreView> } | null = null;
const EARLY_MS = 3_000;

export function prefetchExplore(name: string): void {
  const db = tabDbPath();
  if (early && early.name === name && early.db === db && performance.now() - early.at < EARLY_MS) return;
  const answer = call('study.explore', { name });
  // a study that does not exist shows "not found": this answer is then never read
  answer.catch(() => undefined);
  early = { name, db, at: performance.now(), answer };
}

function explore(name: string): Promise<ExploreView> {
  const e = early;
  early = null;
  if (e && e.name === name && e.db === tabDbPath() && performance.now() - e.at < EARLY_MS) return e.answer;
  return call('study.explore', { name });
}

/** useStudy for the frontier explorer: its view with the trials sent as columns, refreshed on progress. */
export function useExplore(name: string): { view: ExplorerData | null } {
  const { setError } = useUi();
  const [view, setView] = useState<ExplorerData | null>(null);
  const refresh = useCallback(() => {
    explore(name).then(
      (v) => setView({ ...v, trials: fromColumns(v.trials) }),
      (e: Error) => setError(e.message),
    );
  }, [name, setError]);
  useLive(name, refresh, view?.remote !== undefined);
  return { view };
}
