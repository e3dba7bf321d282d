/** The address of each screen: what a reload, a bookmark or a second tab lands on. */
import { describe, expect, it } from 'vitest';
import { parseHash, routeHash, useUi } from '../../../src-renderer/src/state';

describe('the address', () => {
  it("keeps the explorer's budget and the model a budget picked for its report (walk 50: a reload lost both)", () => {
    const route = { screen: 'reports' as const, study: 'my study', trial: 3, budget: 'at most 200 µJ per prediction' };
    const hash = routeHash(route);
    expect(hash).toBe('#/study/my%20study/reports?trial=3&budget=at+most+200+%C2%B5J+per+prediction');
    expect(parseHash(hash)).toEqual(route);
    expect(parseHash('#/study/s/explore?budget=at%20least%2090%25%20accuracy')).toEqual({ screen: 'explorer', study: 's', trial: null, budget: 'at least 90% accuracy' });
    // the run view has neither; an empty budget is none
    expect(routeHash({ screen: 'run', study: 's', trial: 3, budget: 'x' })).toBe('#/study/s/run');
    expect(parseHash('#/study/s/explore?trial=2&budget=')).toEqual({ screen: 'explorer', study: 's', trial: 2, budget: null });
    expect(parseHash('#/meters')).toEqual({ screen: 'meters', study: null, trial: null, budget: null });
  });
});

describe('moving between screens', () => {
  it("takes the explorer's budget to the reports only with the trial it picked (a report of another trial is not 'chosen by the budget')", () => {
    useUi.setState({ screen: 'explorer', study: 's', trial: 5, budget: 'at most 2 mJ per prediction' });
    useUi.getState().go('reports');
    expect(useUi.getState()).toMatchObject({ screen: 'reports', trial: 5, budget: null });
    useUi.setState({ screen: 'explorer', study: 's', trial: 3, budget: 'at most 2 mJ per prediction' });
    useUi.getState().go('reports', undefined, 'at most 2 mJ per prediction');
    expect(useUi.getState()).toMatchObject({ screen: 'reports', trial: 3, budget: 'at most 2 mJ per prediction' });
    // back to the explorer with it; another study, or the run view, without
    useUi.getState().go('explorer');
    expect(useUi.getState().budget).toBe('at most 2 mJ per prediction');
    useUi.getState().go('run');
    expect(useUi.getState().budget).toBeNull();
    useUi.setState({ screen: 'explorer', study: 's', trial: 3, budget: 'x' });
    useUi.getState().go('explorer', 'other');
    expect(useUi.getState()).toMatchObject({ study: 'other', trial: null, budget: null });
  });
});
