import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'ecopt-npx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Processes whose command line has `marker` in it (read from /proc, as pgrep -f does). */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        // arguments are NUL-separated
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('a command started with npx', () => {
  it('stops when the npx process is killed, rather than running on without it', async () => {
    // npm does not pass a SIGTERM on to the command it started (walk 33: `kill` on npx left the server running)
    const seconds = `${600 + Math.floor(Math.random() * 1000)}.5`; // a command line no other process has
    const env: NodeJS.ProcessEnv = { ...process.env, ECOPT_RUN_DIR: join(dir, 'run'), XDG_DATA_HOME: dir };
    for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
    const npx = spawn('npm', ['exec', '--', 'ecopt', 'meters', '--seconds', seconds], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    npx.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    npx.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const marker = `meters --seconds ${seconds}`;
    // the command itself, under npm's shell, reading live
    await expect.poll(() => /\n\s+2 s\s+cpu-package/.test(stdout), { timeout: 60_000, interval: 200 }).toBe(true);
    // npm, its shell and the command
    expect(processesWith(marker).length).toBe(3);
    npx.kill('SIGTERM');
    await expect.poll(() => processesWith(marker).length, { timeout: 15_000, interval: 200 }).toBe(0);
    expect(stderr).toMatch(/the npx process that started this command has ended: stopping, as on Ctrl-C/);
  }, 90_000);
});
