/** The files a command line names in its working folder, fingerprinted as a trial starts (the model card's "how to reproduce it"). */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { namedFiles } from '../../../../src-main/engine/trials/command/runner';
import { tmpDir } from '../../../helpers/tmp';

describe('the files a command line names', () => {
  it('fingerprints the files inside its folder, by their path there, and nothing else', () => {
    const dir = tmpDir();
    const cwd = join(dir, 'proj');
    mkdirSync(join(cwd, 'conf'), { recursive: true });
    writeFileSync(join(cwd, 'train.py'), 'print(1)\n');
    writeFileSync(join(cwd, 'conf', 'run.yaml'), 'lr: 0.1\n');
    writeFileSync(join(dir, 'outside.py'), 'x\n');
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const files = namedFiles(['python3', 'train.py', '--config', join(cwd, 'conf', 'run.yaml'), '--lr', '0.1', '../outside.py', join(dir, 'outside.py'), 'conf', 'train.py'], cwd);
    expect(files).toEqual({ 'train.py': sha('print(1)\n'), 'conf/run.yaml': sha('lr: 0.1\n') });
  });
});
