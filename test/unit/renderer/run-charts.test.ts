/** The run view's charts: the trade-off's energy ticks never pile up, and the power trace holds the readings only. */
import { describe, expect, it } from 'vitest';
import { LOG_AXIS_MIN_PX, logTicks, measuredReadings, powerTraces } from '../../../src-renderer/src/chart-axes';

/** Where each tick lies on a plot `px` wide, and how far apart neighbouring ones are. */
function spacing(t: { tickvals: number[]; range: [number, number] }, px: number): number[] {
  const at = t.tickvals.map((v) => ((Math.log10(v) - t.range[0]) / (t.range[1] - t.range[0])) * px);
  return at.slice(1).map((x, i) => x - at[i]!);
}

describe('the trade-off\'s energy axis (frontier, plotted in µJ)', () => {
  it('pads a single point into the middle of its axis, with a few distinct ticks well apart (not 500 µJ 600 µJ … 1 mJ on top of each other)', () => {
    // the walk's first measured trial: 503 µJ per prediction
    const t = logTicks([503e-6, 503e-6], 'J', 1e6)!;
    expect(t.ticktext).toEqual(['400 µJ', '500 µJ', '600 µJ', '700 µJ']);
    expect(t.tickvals).toEqual([400, 500, 600, 700]);
    // the point in the middle of the axis, every tick inside it
    expect((t.range[0] + t.range[1]) / 2).toBeCloseTo(Math.log10(503), 9);
    for (const v of t.tickvals) expect(Math.log10(v)).toBeGreaterThanOrEqual(t.range[0]);
    for (const v of t.tickvals) expect(Math.log10(v)).toBeLessThanOrEqual(t.range[1]);
    // about 40 px per label: clear of each other on the narrowest column the ticks are made for
    for (const gap of spacing(t, LOG_AXIS_MIN_PX)) expect(gap).toBeGreaterThanOrEqual(50);
    // low in its decade: 1.5 between 1 and 2 rather than an axis widened to 200 µJ
    expect(logTicks([128e-6], 'J', 1e6)!.ticktext).toEqual(['100 µJ', '150 µJ']);
    // a caller that knows its plot is wider gets more of them, as well spaced
    const wide = logTicks([1.49e-4, 1.08e-3], 'J', 1e6, 1200)!;
    expect(wide.ticktext.length).toBeGreaterThan(logTicks([1.49e-4, 1.08e-3], 'J', 1e6)!.ticktext.length);
    for (const gap of spacing(wide, 1200)) expect(gap).toBeGreaterThanOrEqual(50);
  });

  it('keeps every axis to a few distinct, well-spaced labels, whatever the data spans', () => {
    const cases: number[][] = [[503e-6], [9e-4], [1.2e-3], [1], [5e-4, 5.1e-4], [5.4e-4, 9.5e-4], [2.42e-4, 8.11e-4], [1.49e-4, 1.08e-3], [2e-4, 3e-3], [1e-9, 1e9], [123.4e-6, 124e-6]];
    for (const data of cases) {
      const t = logTicks(data, 'J', 1e6)!;
      expect(t.tickvals.length, String(data)).toBeGreaterThanOrEqual(2);
      expect(t.tickvals.length, String(data)).toBeLessThanOrEqual(7);
      expect(new Set(t.ticktext).size, String(data)).toBe(t.ticktext.length);
      // the range covers the data
      expect(t.range[0]).toBeLessThanOrEqual(Math.log10(Math.min(...data) * 1e6));
      expect(t.range[1]).toBeGreaterThanOrEqual(Math.log10(Math.max(...data) * 1e6));
      // on a plot LOG_AXIS_MIN_PX wide, neighbouring labels (at most about 7 px a character) leave clear space between them
      spacing(t, LOG_AXIS_MIN_PX).forEach((gap, i) => {
        const need = ((t.ticktext[i]!.length + t.ticktext[i + 1]!.length) / 2) * 7;
        expect(gap, `${data}: ${t.ticktext[i]} – ${t.ticktext[i + 1]}`).toBeGreaterThan(need);
      });
    }
  });
});

describe('the run view\'s power trace', () => {
  const t0 = 1_796_068_155_000;
  const live = [
    // the meters' first reading: a counter gives no power until its second one
    { tMs: t0, domain: 'cpu-package', powerW: 0 },
    { tMs: t0 + 500, domain: 'cpu-package', powerW: 56.2 },
    { tMs: t0 + 1000, domain: 'cpu-package', powerW: 69.8 },
    { tMs: t0 + 1500, domain: 'cpu-package', powerW: 66.1 },
  ];

  it('starts at the first real reading: no 0 W point before it', () => {
    const [trace] = powerTraces(null, live, true);
    expect(trace!.y).toEqual([56.2, 69.8, 66.1]);
    expect(trace!.x[0]).toEqual(new Date(t0 + 500));
    expect(trace!.y.some((y) => y !== null && y <= 0)).toBe(false);
  });

  it('adds nothing to stored readings: the line begins where they do, with a gap before the live ones', () => {
    const stored = [
      { tMs: t0 - 4000, domain: 'cpu-package', powerW: 55.9 },
      { tMs: t0 - 3500, domain: 'cpu-package', powerW: 61 },
    ];
    const [trace] = powerTraces(stored, live, true);
    expect(trace!.y).toEqual([55.9, 61, null, 56.2, 69.8, 66.1]);
    // a finished study with no live readings: the stored ones alone
    expect(powerTraces(stored, [], false)[0]!.y).toEqual([55.9, 61]);
  });

  it('drops only the meters\' first reading (and the first after they start again), never a reading among others', () => {
    const resumed = [...live, { tMs: t0 + 60_000, domain: 'cpu-package', powerW: 0 }, { tMs: t0 + 60_500, domain: 'cpu-package', powerW: 58 }];
    expect(measuredReadings(resumed).map((r) => r.powerW)).toEqual([56.2, 69.8, 66.1, 58]);
    const dip = [...live, { tMs: t0 + 2000, domain: 'cpu-package', powerW: 0 }];
    expect(measuredReadings(dip).map((r) => r.powerW)).toEqual([56.2, 69.8, 66.1, 0]);
    // each domain on its own
    const two = [...live, { tMs: t0 + 500, domain: 'gpu:0', powerW: 0 }, { tMs: t0 + 1000, domain: 'gpu:0', powerW: 31 }];
    expect(powerTraces(null, two, true).map((t) => [t.name, t.y])).toEqual([
      ['cpu-package', [56.2, 69.8, 66.1]],
      ['gpu:0', [31]],
    ]);
  });
});
