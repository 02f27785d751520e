/** The bench's table: each figure beside its target, and whether it is met. */

export interface Row {
  readonly section: string;
  readonly figure: string;
  readonly value: string;
  /** e.g. `<= 0.3 ms`; absent when the issue sets none (the figure is for the record). */
  readonly target?: string;
  /** Absent when there is no target. */
  readonly met?: boolean;
}

export function row(section: string, figure: string, value: string, target?: { text: string; met: boolean }): Row {
  return target ? { section, figure, value, target: target.text, met: target.met } : { section, figure, value };
}

export const ms = (value: number): string => `${value.toFixed(3)} ms`;

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((entry) => [entry.section, entry.figure, entry.value, entry.target ?? '', entry.met === undefined ? '' : entry.met ? 'met' : 'MISSED']);
  const header = ['section', 'figure', 'measured', 'target', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const render = (line: readonly string[]): string => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...cells.map(render)].join('\n');
}

/** The same rows as a Markdown table, for the README. */
export function formatMarkdown(rows: readonly Row[]): string {
  const lines = rows.map((entry) => `| ${entry.section} | ${entry.figure} | ${entry.value} | ${entry.target ?? ''} | ${entry.met === undefined ? '' : entry.met ? 'met' : '**missed**'} |`);
  return ['| section | figure | measured | target | |', '|---|---|---|---|---|', ...lines].join('\n');
}
