import { describe, expect, it } from 'vitest';
import { plotSeries, progressBar, table } from './index.js';

describe('plotSeries', () => {
  it('puts the maximum on the top row and the minimum on the bottom row, one dot per column', () => {
    const ys = [4, 3, 2, 1, 0.5, 0.25, 0.2, 0.1];
    const lines = plotSeries(ys, { width: 8, height: 5 }).split('\n');
    const grid = lines.slice(0, 5).map((l) => l.slice(l.indexOf('┤') + 1));
    expect(grid[0]![0]).toBe('•');
    expect(grid[4]![7]).toBe('•');
    for (let c = 0; c < 8; c++) expect(grid.filter((row) => row[c] === '•').length).toBe(1);
    expect(lines[0]).toMatch(/^4\.0000 ┤/);
    expect(lines[4]).toMatch(/^0\.1000 ┤/);
    expect(lines.at(-1)).toMatch(/1 +8$/);
  });

  it('averages values into fewer columns than points', () => {
    const ys = Array.from({ length: 100 }, (_, i) => i);
    const lines = plotSeries(ys, { width: 10, height: 4 }).split('\n');
    expect(lines[0]!.split('┤')[1]!.length).toBe(10);
  });

  it('joins a steep drop with a vertical stroke', () => {
    const grid = plotSeries([10, 0, 0, 0, 0, 0, 0, 0], { width: 8, height: 6 }).split('\n').slice(0, 6);
    expect(grid.slice(1, 5).every((l) => l.split('┤')[1]![1] === '│')).toBe(true);
  });

  it('says so when there is nothing finite to plot', () => {
    expect(plotSeries([Number.NaN])).toBe('(nothing to plot)');
  });
});

describe('progressBar and table', () => {
  it('fills the bar in proportion', () => {
    expect(progressBar(5, 10, 10)).toBe('[█████░░░░░]  5/10');
    expect(progressBar(10, 10, 4)).toBe('[████] 10/10');
  });

  it('aligns columns, numbers to the right', () => {
    expect(table(['a', 'n'], [['xy', '1'], ['z', '100']], [1]).split('\n')).toEqual(['a     n', '──  ───', 'xy    1', 'z   100']);
  });
});

describe('plotSeries on a log axis', () => {
  it('spaces decades evenly and says so', () => {
    const out = plotSeries([100, 10, 1], { width: 8, height: 3, scale: 'log' }).split('\n');
    // 10 is the geometric middle of 100 and 1, so its label and dot sit on the middle row.
    expect(out[1]).toMatch(/^ *10\.0000 ┤/);
    expect(out[1]!.split('┤')[1]).toContain('•');
    expect(out.at(-1)).toContain('y axis on a log scale');
    expect(plotSeries([2, 1], { scale: 'auto' })).not.toContain('log scale');
  });
});
