import { useCallback, useEffect, useState } from 'react';
import type { StudyView } from '../../src-main/shared/contract';
import { call, onEvent } from './client';
import { useUi } from './state';

/** The study view, refreshed whenever the engine reports progress on it. */
export function useStudy(name: string): { view: StudyView | null; refresh: () => void } {
  const { setError } = useUi();
  const [view, setView] = useState<StudyView | null>(null);
  const refresh = useCallback(() => {
    call('study.get', { name }).then(setView, (e: Error) => setError(e.message));
  }, [name, setError]);
  useEffect(() => {
    refresh();
    return onEvent('study.progress', (p) => {
      if (p.name === name && p.kind !== 'phase') refresh();
      if (p.name === name && p.kind === 'phase') refresh();
      if (p.name === name && p.kind === 'error' && p.message) setError(p.message);
    });
  }, [name, refresh, setError]);
  return { view, refresh };
}
