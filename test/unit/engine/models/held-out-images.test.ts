/** A folder study's held-out images handed back by export: all of a small test part, a capped sample of a large one. */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Preprocessing } from '../../../../src-main/engine/models/artifact';
import { copyHeldOutImages } from '../../../../src-main/engine/models/export';
import { tmpDir } from '../../../helpers/tmp';

function folder(perClass: number): { root: string; files: string[] } {
  const root = tmpDir();
  const files: string[] = [];
  for (const cls of ['good', 'bent']) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      writeFileSync(join(root, cls, `${i}.png`), 'png bytes');
      files.push(`${cls}/${i}.png`);
    }
  }
  return { root, files };
}

const preprocessing = (root: string, files: string[]) => ({ heldOutImages: { folder: root, files } }) as unknown as Preprocessing;

describe('held-out images handed back with an exported model', () => {
  it('copies every held-out image of a small test part, and counts the ones gone from the folder', () => {
    const { root, files } = folder(3);
    const out = tmpDir();
    const all = copyHeldOutImages(preprocessing(root, [...files, 'good/gone.png']), out)!;
    expect(all).toMatchObject({ missing: 1, of: 7, capped: false });
    expect(all.files).toHaveLength(6);
    expect(readdirSync(join(out, 'samples', 'bent')).sort()).toEqual(['0.png', '1.png', '2.png']);
  });

  it('hands back at most 500 of a large one, and says it stopped', () => {
    const { root, files } = folder(300);
    const out = tmpDir();
    const capped = copyHeldOutImages(preprocessing(root, files), out)!;
    expect(capped).toMatchObject({ missing: 0, of: 600, capped: true });
    expect(capped.files).toHaveLength(500);
    expect(existsSync(join(out, 'samples', 'bent', '199.png'))).toBe(true);
    expect(existsSync(join(out, 'samples', 'bent', '200.png'))).toBe(false);
  });

  it('hands back nothing when the model recorded no held-out images or its folder is gone', () => {
    expect(copyHeldOutImages({ heldOutImages: null } as unknown as Preprocessing, tmpDir())).toBeNull();
    expect(copyHeldOutImages(preprocessing(join(tmpDir(), 'moved'), ['good/0.png']), tmpDir())).toBeNull();
  });
});
