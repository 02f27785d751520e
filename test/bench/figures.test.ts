import { percentile } from '../../bench/http-client.js';
import { selfTimes } from '../../bench/profile-summary.js';
import { formatTable, row } from '../../bench/report.js';

describe('the bench\'s arithmetic', () => {
  it.each([
    [50, 5],
    [99, 10],
    [100, 10],
    [0, 1],
  ])('takes the %i-th percentile by nearest rank', (p, expected) => {
    expect(percentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], p)).toBe(expected);
  });

  it('sums self time per function, leaves idle out, and ranks the largest first', () => {
    const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('sign', 'file:///x/node_modules/@smithy/signature-v4/dist-es/SignatureV4.js') },
        { id: 4, callFrame: frame('handle', 'file:///x/lambda/core/gateway.ts') },
      ],
      samples: [2, 3, 4, 3, 2],
      timeDeltas: [5000, 3000, 1000, 3000, 9000],
      startTime: 0,
      endTime: 21000,
    };
    expect(selfTimes(profile)).toEqual([
      { frame: 'sign (@smithy/signature-v4/SignatureV4.js:1)', selfMs: 6, percent: (100 * 6) / 7 },
      { frame: 'handle (lambda/core/gateway.ts:1)', selfMs: 1, percent: (100 * 1) / 7 },
    ]);
  });

  it('prints each figure beside its target and says whether it is met', () => {
    const table = formatTable([row('overhead', 'added p50', '0.2 ms', { text: '<= 0.3 ms', met: true }), row('cpu', 'per request', '90 µs')]);
    expect(table.split('\n')[2]).toMatch(/^overhead\s+added p50\s+0\.2 ms\s+<= 0\.3 ms\s+met$/);
    expect(table.split('\n')[3]).toMatch(/^cpu\s+per request\s+90 µs$/);
  });
});
