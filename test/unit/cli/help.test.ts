/** Every command's help as a person reads it: each option states its default once. */
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src-main/cli/main';

describe('ecopt --help', () => {
  it('states each option\'s default once (serve --port: "any free port", not also "0")', () => {
    const program = buildProgram();
    const help = program.createHelp();
    for (const cmd of program.commands) {
      for (const opt of cmd.options) {
        const text = help.optionDescription(opt);
        expect(text.match(/\(default:/g)?.length ?? 0, `${cmd.name()} ${opt.flags}: ${text}`).toBeLessThanOrEqual(1);
      }
    }
    const port = program.commands.find((c) => c.name() === 'serve')!.options.find((o) => o.long === '--port')!;
    expect(help.optionDescription(port)).toBe('port (default: any free port)');
  });
});
