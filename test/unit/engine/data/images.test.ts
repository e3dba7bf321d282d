import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadImageFolder } from '../../../../src-main/engine/data/images';
import { Store } from '../../../../src-main/engine/store/store';
import { runCli } from '../../../helpers/cli';
import { quickSpec, writeSpec } from '../../../helpers/specs';
import { tmpDir } from '../../../helpers/tmp';

/** Real PNG and JPEG files: bright squares or dark discs, in two sizes. */
async function makeFolder(root: string, perClass = 8): Promise<void> {
  for (const cls of ['disc', 'square']) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const side = i % 2 ? 20 : 24;
      const px = Buffer.alloc(side * side * 3);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const inside = cls === 'square' ? Math.abs(x - side / 2) < side / 3 && Math.abs(y - side / 2) < side / 3 : (x - side / 2) ** 2 + (y - side / 2) ** 2 < (side / 3) ** 2;
          px.fill(inside ? (cls === 'square' ? 230 : 90) : 10 + i, (y * side + x) * 3, (y * side + x) * 3 + 3);
        }
      }
      const img = sharp(px, { raw: { width: side, height: side, channels: 3 } });
      await (i % 3 === 0 ? img.jpeg().toFile(join(root, cls, `${i}.jpg`)) : img.png().toFile(join(root, cls, `${i}.png`)));
    }
  }
}

describe('image folders', () => {
  it('decodes PNG and JPEG, one class per subfolder, resized to one size, greyscale or RGB', async () => {
    const root = tmpDir();
    await makeFolder(root);
    const grey = await loadImageFolder({ path: root, size: 16 });
    expect(grey.classes).toEqual(['disc', 'square']);
    expect(grey.n).toBe(16);
    expect(grey.inputShape).toEqual([16, 16, 1]);
    expect(grey.notes.join(" ")).toMatch(/the images come in 2 sizes: \d+ at 24×24, \d+ at 20×20 \(disc\/1\.\w+, disc\/3\.\w+, disc\/5\.\w+, and \d+ more\); all were resized/);
    // the centre of a square is bright, of a disc darker
    const centre = (i: number) => grey.x[i * 256 + 8 * 16 + 8]!;
    expect(centre(grey.n - 1)).toBeGreaterThan(centre(0));
    const rgb = await loadImageFolder({ path: root, size: 8, channels: 3 });
    expect(rgb.inputShape).toEqual([8, 8, 3]);
    expect(rgb.x.length).toBe(16 * 8 * 8 * 3);
  });

  it('refuses mixed sizes when asked to, naming the file', async () => {
    const root = tmpDir();
    await makeFolder(root);
    await expect(loadImageFolder({ path: root, requireSameSize: true })).rejects.toThrow(/\d+\.(png|jpg): 20×20 where earlier images are 24×24; resize them to one size/);
  });

  it.each([
    ['an empty folder', async (root: string) => void root, /no subfolders; put the images of each class in a subfolder named after the class/],
    ['subfolders without images', async (root: string) => mkdirSync(join(root, 'a')), /no PNG, JPEG, WebP, GIF or TIFF images in its subfolders/],
    [
      'a single class',
      async (root: string) => {
        await makeFolder(root, 2);
        const { rmSync } = await import('node:fs');
        rmSync(join(root, 'square'), { recursive: true });
      },
      /only one class \("disc"\); a classifier needs at least two subfolders/,
    ],
    [
      'a class none of whose images can be decoded',
      async (root: string) => {
        await makeFolder(root, 8);
        const { rmSync } = await import('node:fs');
        rmSync(join(root, 'disc'), { recursive: true });
        mkdirSync(join(root, 'disc'));
        for (const f of ['a.png', 'b.png', 'c.png', 'd.png', 'e.png']) writeFileSync(join(root, 'disc', f), 'this is not a png');
      },
      /the class folder\(s\) "disc" hold no image that can be decoded; replace the files or remove the folder \(skipped 5 file\(s\), images that could not be decoded/,
    ],
  ])('%s gets a clear message', async (_what, setup, message) => {
    const root = tmpDir();
    await setup(root);
    await expect(loadImageFolder({ path: root })).rejects.toThrow(message);
  });

  it('leaves out every image it cannot decode, listing them all with why, and reads the rest (walk 48)', async () => {
    const root = tmpDir();
    await makeFolder(root, 5);
    writeFileSync(join(root, 'disc', 'broken.png'), 'this is not a png');
    writeFileSync(join(root, 'square', 'empty.png'), '');
    const ds = await loadImageFolder({ path: root });
    expect(ds.n).toBe(10);
    const note = ds.notes.find((n) => n.includes('could not be decoded'));
    expect(note).toMatch(/^skipped 2 file\(s\), images that could not be decoded, so were left out \(replace or remove them\): disc\/broken\.png \(.+\), square\/empty\.png \(.+\)$/);
    expect(ds.notes[0]).toBe('10 images in 2 classes ("disc", "square"), resized to 28×28 greyscale (stretched to the square, not cropped)');
  });

  it('reads WebP and GIF, and lists every file it skips with the reason', async () => {
    const root = tmpDir();
    await makeFolder(root, 4);
    const px = sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 200, b: 200 } } });
    await px.clone().webp().toFile(join(root, 'square', 'extra.webp'));
    await px.clone().gif().toFile(join(root, 'square', 'extra.gif'));
    writeFileSync(join(root, 'disc', 'scan.bmp'), 'BM');
    writeFileSync(join(root, 'disc', 'labels.txt'), 'disc');
    writeFileSync(join(root, 'README.md'), '# shapes');
    writeFileSync(join(root, 'disc', '.DS_Store'), '');
    mkdirSync(join(root, 'square', 'more'));
    const ds = await loadImageFolder({ path: root, size: 8 });
    expect(ds.n).toBe(10);
    expect(ds.notes).toEqual(
      expect.arrayContaining([
        'skipped 1 file(s), BMP, a format ECOpt cannot decode: convert them to PNG or JPEG: disc/scan.bmp',
        'skipped 1 file(s), not images ECOpt reads (PNG, JPEG, WebP, GIF or TIFF): disc/labels.txt',
        'skipped 1 file(s), not in a class subfolder: put each in the subfolder of its class: README.md',
        'skipped 1 file(s), folders inside a class folder, whose files are not read: move them up into the class folder: square/more',
      ]),
    );
    expect(ds.notes.join(' ')).not.toMatch(/DS_Store/);
  });

  it('refuses a class with fewer images than the split needs, stating the minimum', async () => {
    const root = tmpDir();
    await makeFolder(root, 8);
    const { rmSync } = await import('node:fs');
    for (const f of ['0.jpg', '1.png', '2.png', '3.jpg', '4.png', '5.png']) rmSync(join(root, 'square', f));
    writeFileSync(join(root, 'square', 'big.bmp'), 'BM');
    await expect(loadImageFolder({ path: root })).rejects.toThrow(
      /the class "square" \(2\) of this folder has fewer than 3 images; each class needs 3, one each for training, validation and test/,
    );
  });

  it('trains a study on a folder of images', async () => {
    const dir = tmpDir();
    await makeFolder(join(dir, 'shapes'), 10);
    const db = join(dir, 's.db');
    const r = await runCli(['tune', writeSpec(dir, quickSpec({ name: 'shapes', dataset: { images: 'shapes', size: 12 }, trials: 1 })), '--db', db]);
    expect(r.code).toBe(0);
    const store = new Store(db, { readonly: true });
    const [t] = store.getTrials(store.requireStudy('shapes').id);
    expect(store.listStudies()[0]!.dataset).toBe('images:shapes');
    store.close();
    expect(t!.state).toBe('complete');
    expect(t!.metrics.accuracy).toBeGreaterThan(0);

    // its model takes a folder of images: one image on its own is answered with that, not as a CSV file
    const model = join(dir, 'model');
    expect((await runCli(['export', 'shapes', '--db', db, '--out', model])).code).toBe(0);
    // with its held-out test images, copied from the folder: predict on them gives the test accuracy (walk 48)
    const held = readdirSync(join(model, 'samples')).flatMap((c) => readdirSync(join(model, 'samples', c)));
    expect(held).toHaveLength(4); // 15% of 10 per class, rounded, in each of 2 classes
    const card = readFileSync(join(model, 'model-card.md'), 'utf8');
    expect(card).toContain('`samples/` holds the 4 held-out test images the model never trained on, copied from the study\'s folder, in one subfolder per class: `ecopt predict` on it gives the test accuracy above.');
    expect(JSON.parse(readFileSync(join(model, 'preprocessing.json'), 'utf8')).heldOutImages.folder).toBe('shapes');
    const storeAgain = new Store(db, { readonly: true });
    const attrs = storeAgain.getTrialAttrs(t!.id);
    const testAccuracy = attrs.test_accuracy as number;
    storeAgain.close();
    // class by class (walk 49), adding up to the test figure
    const classes = attrs.test_classes as { class: string; n: number; correct: number }[];
    expect(classes.map((c) => c.n)).toEqual([2, 2]);
    expect(classes.reduce((a, c) => a + c.correct, 0) / 4).toBeCloseTo(testAccuracy, 12);
    expect(readFileSync(join(model, 'model-card.md'), 'utf8')).toMatch(/\| Test examples right, class by class \| \w+ \d of 2.*; \w+ \d of 2/);
    const scored = await runCli(['predict', model, join(model, 'samples'), '--out', join(dir, 'held.csv')]);
    expect(scored.code, scored.stderr).toBe(0);
    expect(scored.stdout).toContain(`Accuracy on the 4 labelled inputs: ${(testAccuracy * 100).toFixed(2)}%`);
    // predict says the same class by class
    const byClass = classes.map((c) => `${c.class} ${c.correct} of ${c.n}`);
    for (const c of byClass) expect(scored.stdout).toContain(c);
    expect(scored.stdout).toMatch(/^Right, class by class: /m);
    const one = await runCli(['predict', model, join(dir, 'shapes', 'square', '0.jpg'), '--out', join(dir, 'p.csv')]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/0\.jpg: give a folder of images, not one image; put it \(and any others\) in a folder and give the folder/);
    const folder = await runCli(['predict', model, join(dir, 'shapes'), '--out', join(dir, 'p.csv')]);
    expect(folder.code, folder.stderr).toBe(0);
    expect(folder.stderr).not.toMatch(/Warning/);
    expect(readFileSync(join(dir, 'p.csv'), 'utf8').split('\n')[0]).toBe('file,prediction,probability');
    // the same images dark on light (as a pen on paper would draw them): predicted, with a warning
    const inverted = join(dir, 'inverted');
    mkdirSync(join(inverted, 'square'), { recursive: true });
    for (const f of readdirSync(join(dir, 'shapes', 'square'))) await sharp(join(dir, 'shapes', 'square', f)).negate({ alpha: false }).png().toFile(join(inverted, 'square', `${f}.png`));
    const negated = await runCli(['predict', model, inverted, '--out', join(dir, 'q.csv')]);
    expect(negated.code, negated.stderr).toBe(0);
    expect(negated.stderr).toMatch(/Warning: these images are much brighter on average \(mean pixel \d+ of 255\) than the ones the model learnt from \(\d+\): if they are dark on light \(a pen on paper\) where the training images were light on dark, invert them first/);
    // one such image among the others: the folder's average passes, the image is named (walk 43)
    const mixed = join(dir, 'mixed');
    cpSync(join(dir, 'shapes'), mixed, { recursive: true });
    const first = readdirSync(join(dir, 'shapes', 'square'))[0]!;
    await sharp(join(dir, 'shapes', 'square', first)).negate({ alpha: false }).png().toFile(join(mixed, 'square', 'pen-on-paper.png'));
    const single = await runCli(['predict', model, mixed, '--out', join(dir, 'r.csv')]);
    expect(single.code, single.stderr).toBe(0);
    // and beside its prediction in the output (walk 49: the warning reached the terminal only)
    const out = readFileSync(join(dir, 'r.csv'), 'utf8').trim().split('\n');
    expect(out[0]).toBe('file,prediction,probability,note');
    expect(out.find((l) => l.startsWith('square/pen-on-paper.png'))).toMatch(/,"?much brighter than the training images \(mean pixel \d+ of 255 against \d+\): the prediction may be a guess"?$/);
    expect(out.filter((l) => l.endsWith(','))).toHaveLength(out.length - 2);
    expect(single.stderr).toMatch(/Warning: 1 of the \d+ images is much brighter than the ones the model learnt from \(mean pixel \d+ of 255\): square\/pen-on-paper\.png \(mean pixel \d+\)\. If it is dark on light \(a pen on paper\) where the training images were light on dark, invert it first; otherwise take it as the training images were taken \(lighting, exposure, background\), or the model will guess for it/);
    // darker by as much without crossing mid-grey (an under-exposed photo, not one the other way round): warned, told to retake, not to invert (walk 48)
    const dim = join(dir, 'dim');
    cpSync(join(dir, 'shapes'), dim, { recursive: true });
    await sharp(join(dir, 'shapes', 'square', first)).linear(0.05, 0).png().toFile(join(dim, 'square', 'dark.png'));
    const dark = await runCli(['predict', model, dim, '--out', join(dir, 's.csv')]);
    expect(dark.code, dark.stderr).toBe(0);
    expect(dark.stderr).toMatch(/Warning: 1 of the \d+ images is much darker than the ones the model learnt from \(mean pixel \d+ of 255\): square\/dark\.png \(mean pixel \d+\)\. Take it as the training images were taken \(lighting, exposure, background\), or the model will guess for it/);
    expect(dark.stderr).not.toMatch(/invert/);
    // a truncated image among good ones: all of them named at once, refused, or with --skip the others predicted
    const broken = join(dir, 'broken');
    cpSync(join(dir, 'shapes'), broken, { recursive: true });
    writeFileSync(join(broken, 'square', 'cut.png'), readFileSync(join(inverted, 'square', `${first}.png`)).subarray(0, 40));
    const refused = await runCli(['predict', model, broken, '--out', join(dir, 't.csv')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/broken: an image the model cannot take: square\/cut\.png: cannot decode the image \(.+\); replace or remove it, or give --skip/);
    const skipped = await runCli(['predict', model, broken, '--skip', '--out', join(dir, 't.csv')]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/Not predicted \(--skip\): 1 input\(s\) .*: square\/cut\.png: cannot decode the image/);
    const rows = readFileSync(join(dir, 't.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('file,prediction,probability,problem');
    expect(rows.find((r) => r.startsWith('square/cut.png'))).toMatch(/^square\/cut\.png,,,"?cannot decode the image/);
    expect(rows.filter((r) => /,[01]\.\d{6},$/.test(r))).toHaveLength(rows.length - 2);
  });
});
