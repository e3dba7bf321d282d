/** UI state (zustand): which screen, which study, which trial. */
import { create } from 'zustand';

export type Screen = 'studies' | 'wizard' | 'run' | 'explorer' | 'reports' | 'meters';

interface UiState {
  screen: Screen;
  study: string | null;
  trial: number | null;
  error: string | null;
  go(screen: Screen, study?: string | null): void;
  selectTrial(trial: number | null): void;
  setError(error: string | null): void;
}

export const useUi = create<UiState>((set) => ({
  screen: 'studies',
  study: null,
  trial: null,
  error: null,
  go: (screen, study) => set((s) => ({ screen, study: study === undefined ? s.study : study, trial: null, error: null })),
  selectTrial: (trial) => set({ trial }),
  setError: (error) => set({ error }),
}));
