import { spawnSync } from 'node:child_process';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle, bundledTrainer } from '../../../../src-main/engine/trials/builtin/trainer-bundle';
import { tmpDir } from '../../../helpers/tmp';

describe('the trainer bundle (trainer run from source without tsx)', () => {
  it('bundles TypeScript once, reuses it while its sources are unchanged and rebuilds when one changes', () => {
    const src = tmpDir('ecopt-bundle-src-');
    const out = tmpDir('ecopt-bundle-out-');
    writeFileSync(join(src, 'part.ts'), 'export const answer: number = 41;\n');
    writeFileSync(join(src, 'prog.ts'), "import { answer } from './part';\nconsole.log(String(answer + 1));\n");
    const first = bundle(join(src, 'prog.ts'), out);
    expect(spawnSync(process.execPath, [first], { encoding: 'utf8' }).stdout.trim()).toBe('42');
    expect(bundle(join(src, 'prog.ts'), out)).toBe(first);

    writeFileSync(join(src, 'part.ts'), 'export const answer: number = 9;\n');
    utimesSync(join(src, 'part.ts'), new Date(), new Date(Date.now() + 5000));
    const second = bundle(join(src, 'prog.ts'), out);
    expect(second).not.toBe(first);
    expect(spawnSync(process.execPath, [second], { encoding: 'utf8' }).stdout.trim()).toBe('10');
    expect(readdirSync(out).filter((f) => f.endsWith('.cjs'))).toHaveLength(2); // the old one is kept a while
  });

  it('builds the real trainer, whose packages resolve from node_modules', () => {
    const file = bundledTrainer();
    expect(file).toMatch(/node_modules\/\.cache\/ecopt\/trainer-[0-9a-f]{16}\.cjs$/);
    // without its input the trainer says so: it loaded (TensorFlow.js included) and ran
    const r = spawnSync(process.execPath, [file!], { encoding: 'utf8', env: { ...process.env, ECOPT_TRIAL_INPUT: '' } });
    expect(r.stderr).not.toMatch(/Cannot find (module|package)/);
    expect(r.stderr).toMatch(/ENOENT/);
  });
});
