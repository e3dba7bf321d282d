/** Every command's help as a person reads it: each option states its default once. */
import { describe, expect, it } from 'vitest';
import { buildProgram, failureGist } from '../../../src-main/cli/main';

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

describe("tune's closing line on a run of failed trials", () => {
  it("quotes the command's last error line, not the empty end of its first (walk 50: 'its last error lines:.')", () => {
    const message = "`python3 t.py` exited with code 1; its last error lines:\nTraceback (most recent call last):\n  File \"t.py\", line 3\nModuleNotFoundError: No module named 'torch'\n";
    expect(failureGist(message)).toBe("`python3 t.py` exited with code 1; its last error line: ModuleNotFoundError: No module named 'torch'");
    expect(failureGist('ran longer than its 1.5 s limit')).toBe('ran longer than its 1.5 s limit');
  });
});
