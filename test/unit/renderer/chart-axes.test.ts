/** The app's chart axes: joules and watts written as the tables write them, time axes that end at the data, legends clear of the ticks. */
import { describe, expect, it } from 'vitest';
import { learningCurveLayout, logTicks, powerAxis, powerTimeRange, siAxisUnit } from '../../../src-renderer/src/chart-axes';

describe('energy and power axes', () => {
  it('puts the SI prefix on the unit: a payback axis up to 15,000 J reads in kJ', () => {
    const e = siAxisUnit(15_000, 'J');
    expect(e.unit).toBe('kJ');
    expect(15_000 * e.factor).toBeCloseTo(15);
    expect(siAxisUnit(0.004, 'J')).toEqual({ factor: 1000, unit: 'mJ' });
    expect(siAxisUnit(0, 'J')).toEqual({ factor: 1, unit: 'J' });
  });

  it('writes log-axis ticks with their unit ("100 µJ"), not Plotly\'s "100µ" beside a "(J)" title', () => {
    const t = logTicks([2e-4, 3e-3], 'J')!;
    expect(t.ticktext).toContain('100 µJ');
    expect(t.ticktext).toContain('1 mJ');
    expect(t.ticktext).toContain('5 mJ');
    expect(t.tickvals).toHaveLength(t.ticktext.length);
    // a wide span: one tick per decade
    expect(logTicks([1e3, 1e9], 'FLOP')!.ticktext).toEqual(['1 kFLOP', '10 kFLOP', '100 kFLOP', '1 MFLOP', '10 MFLOP', '100 MFLOP', '1 GFLOP']);
    expect(logTicks([0, -1], 'J')).toBeNull();
  });

  it('writes watts as plain numbers under a titled axis', () => {
    expect(powerAxis()).toEqual({ title: { text: 'power (W)' }, exponentformat: 'none' });
  });
});

describe('the run view\'s power chart', () => {
  const ts = [1_000_000, 1_005_000, 1_010_000];
  it('ends at the data once the study is not running (no 20 s of empty axis)', () => {
    expect(powerTimeRange(ts, false)).toEqual({});
  });

  it('keeps half a minute of axis while it runs, so the first readings do not spread over milliseconds', () => {
    expect(powerTimeRange(ts, true)).toEqual({ range: [new Date(999_000), new Date(1_030_000)], autorange: false });
    expect(powerTimeRange([0, 60_000], true)).toEqual({});
    expect(powerTimeRange([], true)).toEqual({});
  });
});

describe('the learning curve', () => {
  it('puts its legend in a row under the plot, clear of the right axis\'s tick labels', () => {
    const l = learningCurveLayout();
    expect(l.yaxis2.side).toBe('right');
    expect(l.legend.orientation).toBe('h');
    expect(l.legend.y).toBeLessThan(0);
    expect(l.margin.r).toBeGreaterThanOrEqual(50);
    // made afresh each time: Plotly writes ranges back into the layout it is given
    expect(learningCurveLayout()).not.toBe(l);
  });
});
