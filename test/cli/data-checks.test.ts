import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../../src-main/engine/space/load-spec';
import { Store } from '../../src-main/engine/store/store';
import { runCli } from '../helpers/cli';
import { quickSpec, writeSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';

/** The study of a study file, with its budget already spent, so `tune` only opens it. */
function spent(db: string, specPath: string): void {
  const spec = loadSpecFile(specPath);
  const store = new Store(db);
  const study = store.createStudy(spec);
  for (let i = 0; i < spec.trials; i++) {
    const t = store.createTrial(study.id, {});
    store.startTrial(t.id);
    store.failTrial(t.id, 'error', 'seeded');
  }
  store.close();
}

describe('ecopt tune checks the data and the ranges before any trial', () => {
  it('refuses a CSV too small for the split, stating the minimum; and a first line of counts and class names', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    writeFileSync(join(dir, 'three.csv'), 'a,b,label\n1,2,x\n3,4,y\n5,6,x\n');
    const small = await runCli(['tune', writeSpec(dir, quickSpec({ name: 'three', dataset: { csv: 'three.csv', target: 'label' } }), 'three.json'), '--db', db]);
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/three\.csv: 3 rows; a study needs at least 10 here .*; add rows/);

    const body = Array.from({ length: 20 }, (_, r) => [r % 2 ? 'M' : 'B', ...Array.from({ length: 30 }, (_, i) => String(r + i))].join(',')).join('\n');
    writeFileSync(join(dir, 'wdbc.csv'), `569,30,malignant,benign\n${body}\n`);
    const counts = await runCli(['tune', writeSpec(dir, quickSpec({ name: 'wdbc', dataset: { csv: 'wdbc.csv', target: '1' } }), 'wdbc.json'), '--db', db]);
    expect(counts.code).toBe(2);
    expect(counts.stderr).toMatch(/wdbc\.csv, line 1: "569,30,malignant,benign" has 4 field\(s\) where the lines below have 31/);
    expect(counts.stderr).not.toMatch(/line 2/);
  });

  // the rest of the bad files the issue found, each through `ecopt tune` as a user meets it
  const body = (n: number, fmt: (i: number) => string[]) => Array.from({ length: n }, (_, i) => [...fmt(i), i % 2 ? 'yes' : 'no'].join(',')).join('\n');
  const wide = () => {
    const header = [...Array.from({ length: 2000 }, (_, i) => `f${i}`), 'label'].join(',');
    return `${header}\n${Array.from({ length: 12 }, (_, r) => [...Array.from({ length: 2000 }, (_, i) => String((i * r) % 7)), r % 2 ? 'a' : 'b'].join(',')).join('\n')}\n`;
  };
  it.each([
    ['duplicate column names', 'dup.csv', () => `a,b,a,label\n${body(12, (i) => [String(i), String(i), String(-i)])}\n`, /dup\.csv, line 1: the column name "a" appears twice \(columns 1 and 3\); rename one of them/],
    ['an infinity', 'inf.csv', () => `a,b,label\n${body(12, (i) => [String(i), i === 4 ? 'inf' : String(i * 2)])}\n`, /inf\.csv, line 6, column "b": "inf" is not a finite number; replace it with a value, or empty the cell/],
    ['a decimal comma in a comma-separated file', 'comma.csv', () => `x,y,label\n${body(12, (i) => [`"${i},5"`, String(i)])}\n`, /comma\.csv, line 2, column "x": "0,5" is a number with a comma in a comma-separated file/],
    ['more columns than rows', 'wide.csv', wide, /wide\.csv: 2000 feature column\(s\) but only 12 data row\(s\); .*not transposed/],
  ])('refuses %s with exit 2, the file, line or column and the fix, storing nothing', async (_what, file, text, message) => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    writeFileSync(join(dir, file), text());
    const r = await runCli(['tune', writeSpec(dir, quickSpec({ name: 'bad', dataset: { csv: file, target: 'label' } })), '--db', db]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    const store = new Store(db, { readonly: true });
    expect(store.listStudies()).toEqual([]);
    store.close();
  });

  it('refuses a range no model can take, with the path and the limit', async () => {
    const dir = tmpDir();
    const spec = writeSpec(dir, quickSpec({ space: { units: { type: 'int', low: 8, high: 1e12, log: true } } }));
    const r = await runCli(['tune', spec, '--db', join(dir, 's.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/space\.units\.high: 1000000000000 is out of range: model "mlp" takes units from 1 to 4096 \(units in a layer\); lower high to 4096/);
  });

  it('shows what it read of the data: skipped image files with the reason, decimal commas', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    for (const cls of ['dark', 'light']) {
      mkdirSync(join(dir, 'photos', cls), { recursive: true });
      for (let i = 0; i < 5; i++) {
        const v = cls === 'dark' ? 20 + i : 220 - i;
        await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: v, g: v, b: v } } }).png().toFile(join(dir, 'photos', cls, `${i}.png`));
      }
    }
    writeFileSync(join(dir, 'photos', 'dark', 'old.bmp'), 'BM');
    const images = writeSpec(dir, quickSpec({ name: 'photos', dataset: { images: 'photos', size: 8 }, trials: 1 }), 'photos.json');
    spent(db, images);
    const r = await runCli(['tune', images, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Data: skipped 1 file(s), BMP, a format ECOpt cannot decode: convert them to PNG or JPEG: dark/old.bmp');

    const rows = Array.from({ length: 12 }, (_, i) => `${i},5;${i};${i % 2 ? 'a' : 'b'}`).join('\n');
    writeFileSync(join(dir, 'eu.csv'), `x;y;label\n${rows}\n`);
    const csv = writeSpec(dir, quickSpec({ name: 'eu', dataset: { csv: 'eu.csv', target: 'label' }, trials: 1 }), 'eu.json');
    spent(db, csv);
    const c = await runCli(['tune', csv, '--db', db]);
    expect(c.code).toBe(0);
    expect(c.stderr).toMatch(/Data: fields separated by ";"\nData: decimal commas read as numbers in "x"/);
  });
});
