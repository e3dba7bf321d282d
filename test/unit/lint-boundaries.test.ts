import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const eslint = new ESLint({ cwd: ROOT });

async function lintAs(fixture: string, pretendPath: string): Promise<string[]> {
  const code = readFileSync(join(ROOT, 'test/fixtures/lint', fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, pretendPath) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint boundaries', () => {
  it('rejects electron imported from the engine', async () => {
    expect(await lintAs('engine-imports-electron.ts', 'src-main/engine/study/bad.ts')).toEqual([
      expect.stringMatching(/Only src-main\/app and the IPC transport may import electron/),
    ]);
  });

  it('allows electron in the app shell', async () => {
    expect(await lintAs('engine-imports-electron.ts', 'src-main/app/ok.ts')).toEqual([]);
  });

  it('rejects Node built-ins in the shared folder', async () => {
    expect(await lintAs('shared-imports-node.ts', 'src-main/shared/bad.ts')).toEqual([expect.stringMatching(/no Node built-ins/)]);
  });

  it('rejects engine imports from the renderer but allows the shared folder', async () => {
    const messages = await lintAs('renderer-imports-engine.ts', 'src-renderer/src/bad.ts');
    expect(messages).toEqual([expect.stringMatching(/The renderer may import only src-main\/shared/)]);
  });
});
