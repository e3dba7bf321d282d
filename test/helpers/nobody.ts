/**
 * Tests that need a place to be read-only run a process as uid 65534 (root reads anything). That
 * user must be able to reach the checkout itself; a clone inside a folder only root may enter
 * (`mktemp -d` makes them 0700) failed those tests with an obscure error: they are skipped, saying why.
 */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';

/** Why uid 65534 cannot read `paths`, naming the first folder that stops it; null when it can. */
export function unreachableByNobody(paths: string[]): string | null {
  for (const p of paths) {
    if (spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', p]).status === 0) continue;
    let blocker = p;
    for (let d = dirname(p); d !== dirname(d); d = dirname(d)) {
      if (spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-x', d]).status !== 0) blocker = d;
    }
    return (
      `this test reads the checkout as uid 65534 (the tests run as root, who reads anything), and that user cannot read ${p}` +
      (blocker !== p ? `: ${blocker} does not let other users in` : '') +
      `. Clone into a folder other users can enter, or run: chmod o+rx ${blocker}`
    );
  }
  return null;
}
