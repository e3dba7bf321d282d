/** Runs the real `ecopt` command as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/ecopt.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd,
    // as typed in a terminal: not through npm (whose npm_command makes hints say `npx ecopt`)
    env: { ...process.env, npm_command: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  // as text through a decoder: a chunk may end inside a multi-byte character (µ, ─)
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<CliResult> {
  return collect(startCli(args, env, cwd));
}

/**
 * Starts `ecopt serve` with `env` added and resolves with the process and the URL it prints
 * ("ECOpt is at …"); rejects with everything it printed if it exits first or takes over 150 s.
 */
export function startServe(env: NodeJS.ProcessEnv): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`ecopt serve did not start: ${out}`)), 150_000);
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ECOpt is at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ server, url: m[1]! });
      }
    });
    server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    server.on('exit', (code) => reject(new Error(`ecopt serve exited (${code}): ${out}`)));
  });
}
