import test from 'ava';
import { formatStatus, type LabStatus } from '../src/lab/status.js';

const status = (late?: ('bgp' | 'bfd')[]): LabStatus => ({
  lab: 'x',
  runtime: 'netns',
  lagDriver: 'nft',
  nodes: [
    {
      name: 'r1',
      role: 'peer-router',
      daemon: 'frr',
      snapshot: {
        node: 'r1',
        bgp: late?.includes('bgp') ? [] : [{ peer: '192.0.2.1', state: 'Established', received: 3 }],
        bfd: [{ peer: '192.0.2.1', state: 'up' }],
        lags: [],
        ...(late ? { late } : {}),
      },
    },
  ],
  problems: late ? ['r1: BGP x/ic1 to 192.0.2.1 is unknown (no answer in time)'] : [],
  faults: [],
});

test('status: a daemon that did not answer in time reads "no answer", not as a router with no sessions', (t) => {
  const row = (text: string) =>
    text
      .split('\n')
      .find((l) => l.startsWith('r1 '))!
      .split(/\s{2,}/);
  t.deepEqual(row(formatStatus(status())).slice(3, 5), ['1/1', '1/1']);
  t.deepEqual(row(formatStatus(status(['bgp']))).slice(3, 5), ['no answer', '1/1']);
  t.regex(formatStatus(status(['bgp'])), /NOT converged[\s\S]*is unknown \(no answer in time\)/);
});
