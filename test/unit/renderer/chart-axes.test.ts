/** The app's chart axes: joules and watts written as the tables write them, time axes that end at the data, legends clear of the ticks. */
import { describe, expect, it } from 'vitest';
import { countTicks, frontierLayout, learningCurveLayout, logTicks, paybackFigure, phaseMarks, powerAxis, powerTimeRange, siAxisUnit, tickText, zeroBasedTicks } from '../../../src-renderer/src/chart-axes';

describe('energy and power axes', () => {
  it('puts the SI prefix on the unit: a payback axis up to 15,000 J reads in kJ', () => {
    const e = siAxisUnit(15_000, 'J');
    expect(e.unit).toBe('kJ');
    expect(15_000 * e.factor).toBeCloseTo(15);
    expect(siAxisUnit(0.004, 'J')).toEqual({ factor: 1000, unit: 'mJ' });
    expect(siAxisUnit(0, 'J')).toEqual({ factor: 1, unit: 'J' });
  });

  it('writes log-axis ticks with their unit ("200 µJ"), not Plotly\'s "100µ" beside a "(J)" title', () => {
    const t = logTicks([2e-4, 3e-3], 'J')!;
    expect(t.ticktext).toEqual(['200 µJ', '500 µJ', '1 mJ', '2 mJ']);
    expect(t.tickvals).toHaveLength(t.ticktext.length);
    // the range: the data and a little either side, in log10 of the plotted value
    expect(t.range[0]).toBeLessThan(Math.log10(2e-4));
    expect(t.range[1]).toBeGreaterThan(Math.log10(3e-3));
    // a wide span: a tick every few decades, as many as keep clear of each other
    expect(logTicks([1e3, 1e9], 'FLOP')!.ticktext).toEqual(['1 kFLOP', '100 kFLOP', '10 MFLOP', '1 GFLOP']);
    expect(logTicks([0, -1], 'J')).toBeNull();
    // inside one decade: the round ticks that fit, the range widened until two do
    expect(logTicks([5.4e-4, 9.5e-4], 'J')!.ticktext).toEqual(['500 µJ', '1 mJ']);
    expect(logTicks([2.76e-4, 5.03e-4], 'J', 1e6)!.ticktext).toEqual(['300 µJ', '400 µJ', '500 µJ']);
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
    // a command's accuracy is as it reported it, on a split ECOpt does not know
    expect(l.yaxis2.title.text).toBe('validation accuracy');
    expect(learningCurveLayout('step', 'accuracy (as reported)').yaxis2.title.text).toBe('accuracy (as reported)');
  });
  it('counts epochs and trials in whole numbers: no "epoch 2.5" on a 3-epoch curve', () => {
    expect(learningCurveLayout('epoch', 'validation accuracy', 3).xaxis).toMatchObject({ tick0: 0, dtick: 1 });
    expect(countTicks(10)).toEqual({ tick0: 0, dtick: 1 });
    // past 10 Plotly's own steps are whole (2, 5, 10, …) and fewer
    expect(countTicks(200)).toEqual({});
  });
  it('gives a narrow accuracy range decimals, so that two ticks never read the same', () => {
    expect(learningCurveLayout('epoch', 'a', 3, [0.806, 0.81]).yaxis2.tickformat).toBe('.2%');
    expect(learningCurveLayout('epoch', 'a', 3, [0.75, 0.81]).yaxis2.tickformat).toBe('.1%');
    expect(learningCurveLayout('epoch', 'a', 3, [0.3, 0.95]).yaxis2.tickformat).toBe('.0%');
  });
});

describe('the frontier\'s axes, in the explorer and the run view alike', () => {
  it('writes its energy ticks with their unit on an axis plotted in µJ ("200 µJ", "1 mJ"): a few round ones, not 200, 300 … 1200', () => {
    // the walk's study: 149 µJ to 1.08 mJ per prediction, plotted in µJ
    const t = logTicks([1.49e-4, 1.08e-3], 'J', 1e6)!;
    const shown = t.tickvals.map((v, i) => [v, t.ticktext[i]] as const).filter(([v]) => v >= 149 && v <= 1080);
    expect(shown).toEqual([
      [200, '200 µJ'],
      [500, '500 µJ'],
      [1000, '1 mJ'],
    ]);
  });

  it('puts its legend in a row at the foot of the figure, under the axis title, with room for the last tick label', () => {
    const l = frontierLayout();
    expect(l.legend).toMatchObject({ orientation: 'h', yref: 'container', y: 0, yanchor: 'bottom' });
    // tick labels (about 20 px), the axis title (about 25 px) and the legend row fit in the bottom margin
    expect(l.margin.b).toBeGreaterThanOrEqual(80);
    expect(l.margin.r).toBeGreaterThanOrEqual(30);
  });
});

describe('one style of tick along an axis', () => {
  it('writes parameter counts alike on both sides of ten thousand ("2k", "5k", "10k", "50k"), not "5000" beside "10 k"', () => {
    const t = logTicks([1800, 60_000], 'parameters')!;
    expect(t.ticktext.filter((_, i) => t.tickvals[i]! >= 1800 && t.tickvals[i]! <= 60_000)).toEqual(['2k', '5k', '10k', '20k', '50k']);
    expect(tickText(500, 'parameters')).toBe('500');
    expect(tickText(2_000_000, 'parameters')).toBe('2M');
  });

  it('writes the zero of an energy axis "0", the other ticks with their unit', () => {
    const t = zeroBasedTicks(12.2, 'kJ');
    expect(t.ticktext[0]).toBe('0');
    expect(t.ticktext.slice(1, 3)).toEqual(['5 kJ', '10 kJ']);
    // one tick past the data, for Plotly's padded top
    expect(t.tickvals.at(-1)).toBeGreaterThan(12.2);
    expect(zeroBasedTicks(0, 'J').ticktext).toEqual(['0']);
  });
});

describe('the payback chart', () => {
  const p = {
    chosenTrial: 7,
    referenceTrial: 14,
    campaignEnergyJ: 2550,
    chosenJPerPrediction: 171e-6,
    referenceJPerPrediction: 298e-6,
    predictions: 20.1e6,
    interval: { low: 13.5e6, high: 39.1e6 },
    text: { saved: '127 µJ', campaign: '2.55 kJ', predictions: '20.1 million', interval: '13.5 million to 39.1 million' },
  };

  it('gives the shaded payback interval its own legend entry, and writes the energy axis\'s zero "0"', () => {
    const f = paybackFigure(p);
    const names = f.data.map((d) => (d as { name?: string }).name);
    expect(names).toContain('payback interval: 13.5 million to 39.1 million');
    expect(f.layout.shapes).toHaveLength(1);
    expect(f.layout.shapes![0]).toMatchObject({ x0: 13.5e6, x1: 39.1e6 });
    const y = f.layout.yaxis as { ticktext: string[]; ticksuffix?: string };
    expect(y.ticktext[0]).toBe('0');
    expect(y.ticktext).toContain('10 kJ');
    expect(y.ticksuffix).toBeUndefined();
  });

  it('has no band and no band entry without an interval', () => {
    const f = paybackFigure({ ...p, interval: null });
    expect(f.data.map((d) => (d as { name?: string }).name).some((n) => n?.startsWith('payback interval'))).toBe(false);
    expect(f.layout.shapes).toBeUndefined();
  });
});

describe('the trial\'s power trace', () => {
  const t0 = 1_796_068_657_048;
  const windows = [
    { phase: 'train', startedAtMs: t0, durationS: 2.27 },
    { phase: 'infer', startedAtMs: t0 + 2276, durationS: 1.0 },
    { phase: 'evaluate', startedAtMs: t0 + 3280, durationS: 0.37 },
    // re-measured an hour later: not on this trace
    { phase: 'infer', startedAtMs: t0 + 3_600_000, durationS: 1.0 },
  ];
  const readings = [t0 - 1200, t0, t0 + 1000, t0 + 2000, t0 + 3184];

  it('marks each phase of the trial with a band and its name, from the windows\' starts and durations', () => {
    const m = phaseMarks(windows, readings)!;
    expect(m.annotations.map((a) => a.text)).toEqual(['train', 'infer', 'evaluate']);
    expect(m.shapes).toHaveLength(3);
    expect(m.shapes[0]).toMatchObject({ type: 'rect', xref: 'x', yref: 'paper', x0: new Date(t0), x1: new Date(t0 + 2270) });
  });

  it('marks nothing when the windows do not say when they began', () => {
    expect(phaseMarks([{ phase: 'train', durationS: 2 }], readings)).toBeNull();
    expect(phaseMarks([], readings)).toBeNull();
  });
});
