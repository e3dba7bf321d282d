/** Plain-text tables for the terminal. */

export interface TableOptions {
  /**
   * Widest line allowed, in characters; undefined for no limit. Over it, the widest columns are
   * narrowed first and their cells wrap onto continuation lines, so a row's first line still
   * starts with its first cell.
   */
  maxWidth?: number;
}

const GAP = 2;
/** Narrower than this a column is unreadable; the table overflows instead. */
const MIN_COLUMN = 6;

/** Splits text into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    while (w.length > width) {
      if (line) {
        out.push(line);
        line = '';
      }
      out.push(w.slice(0, width));
      w = w.slice(width);
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      out.push(line);
      line = w;
    }
  }
  if (line || out.length === 0) out.push(line);
  return out;
}

const longestWord = (text: string) => Math.max(0, ...text.split(' ').map((w) => w.length));

/**
 * Narrows the column with the most room to spare above its longest word, one character at a
 * time: long free text (the parameters) wraps before short figures do, and words break only when
 * nothing else is left to narrow.
 */
function fitWidths(headers: string[], rows: string[][], natural: number[], maxWidth: number): number[] {
  const widths = [...natural];
  const words = headers.map((h, i) => Math.max(longestWord(h), ...rows.map((r) => longestWord(r[i] ?? ''))));
  let total = widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  for (const floor of [(i: number) => Math.max(MIN_COLUMN, words[i]!), () => MIN_COLUMN]) {
    while (total > maxWidth) {
      let pick = -1;
      for (let i = 0; i < widths.length; i++) {
        const slack = widths[i]! - floor(i);
        if (slack > 0 && (pick < 0 || slack > widths[pick]! - floor(pick))) pick = i;
      }
      if (pick < 0) break;
      widths[pick]!--;
      total--;
    }
  }
  return widths;
}

/** A cell's line breaks (a failed command's traceback) as " ↵ ", so that a row stays one line when piped. */
const oneLine = (cell: string) => cell.replace(/\s*\r?\n\s*/g, ' ↵ ');

export function table(headers: string[], cells: string[][], options: TableOptions = {}): string {
  const rows = cells.map((r) => r.map(oneLine));
  const natural = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const widths = options.maxWidth ? fitWidths(headers, rows, natural, options.maxWidth) : natural;
  const line = (cells: string[]): string[] => {
    const wrapped = widths.map((w, i) => wrap(cells[i] ?? '', w));
    const height = Math.max(...wrapped.map((c) => c.length));
    return Array.from({ length: height }, (_, k) => wrapped.map((c, i) => (c[k] ?? '').padEnd(widths[i]!)).join(' '.repeat(GAP)).trimEnd());
  };
  return [...line(headers), widths.map((w) => '─'.repeat(w)).join(' '.repeat(GAP)), ...rows.flatMap(line)].join('\n');
}

/**
 * How wide the command's tables may be: the terminal's width, or no limit with `--wide` and when
 * the output goes to a file or a pipe (where one row per line is what grep and scripts expect).
 */
export function tableWidth(wide: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): number | undefined {
  if (wide || stream.isTTY !== true) return undefined;
  return stream.columns || 100;
}
