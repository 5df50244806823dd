import { existsSync } from 'node:fs';
import type { LagDriver } from '../types.js';
import { parseProcBonding } from './parse.js';

/** The kernel bonding driver in 802.3ad mode with the fast LACP rate. */
export const kernelLag: LagDriver = {
  kind: 'kernel',
  description: 'Linux bonding driver, 802.3ad, fast LACP',
  packages: [],
  async available(run) {
    if (existsSync('/sys/module/bonding') || existsSync('/sys/class/net/bonding_masters')) return { ok: true };
    const probe = await run(['modprobe', 'bonding'], { allowFailure: true }).catch(() => ({ exitCode: 1 }));
    return probe.exitCode === 0
      ? { ok: true }
      : { ok: false, reason: 'this kernel has no bonding driver (modprobe bonding failed)' };
  },
  defaultProbeRate: 1000,
  async read(node, bonds) {
    const states = await Promise.all(
      bonds.map(async (b) => [b.name, await node.procNet(`bonding/${b.name}`)] as const),
    );
    return states.flatMap(([name, text]) => (text ? [parseProcBonding(name, text)] : []));
  },
  // Bonds are kernel interfaces of the node's namespace: they outlive the router's daemons, as its ports would.
  kill: () => [],
  restore: () => [],
  // The aggregator's partner MAC is all zeros until LACP has negotiated.
  negotiated: (b) => ['grep', '-q', 'Partner Mac Address: [0-9a-f:]*[1-9a-f]', `/proc/net/bonding/${b.name}`],
  setup(bonds) {
    return bonds.flatMap((b) => [
      [
        'ip',
        'link',
        'add',
        b.name,
        'type',
        'bond',
        'mode',
        '802.3ad',
        'lacp_rate',
        'fast',
        'miimon',
        '100',
        'xmit_hash_policy',
        'layer3+4',
        // As a router's LAG: down with its last member. (0, the kernel's default, behaves the same in
        // 802.3ad, where a bond with no active aggregator has no carrier; 1 says so in /proc/net/bonding.)
        'min_links',
        '1',
      ],
      ...b.members.flatMap((m) => [
        ['ip', 'link', 'set', m, 'down'],
        ['ip', 'link', 'set', m, 'master', b.name],
      ]),
      ['ip', 'addr', 'add', b.address, 'dev', b.name],
      ['ip', 'link', 'set', b.name, 'up'],
    ]);
  },
};
