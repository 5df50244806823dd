import type { LagState } from '../types.js';

/**
 * `/proc/net/bonding/<bond>` of an 802.3ad bond: a member carries traffic when its MII status is up
 * and it belongs to the active aggregator; LACP is negotiated when that aggregator has a partner.
 */
export function parseProcBonding(name: string, text: string): LagState {
  const [head = '', ...slaves] = text.split(/^Slave Interface: /m);
  const active = head.match(/Active Aggregator Info:\s*\n\s*Aggregator ID: (\d+)/)?.[1];
  const partner = head.match(/Active Aggregator Info:[\s\S]*?Partner Mac Address: (\S+)/)?.[1];
  return {
    name,
    negotiated: active !== undefined && partner !== undefined && partner !== '00:00:00:00:00:00',
    members: slaves.map((s) => ({
      name: s.split('\n')[0]!.trim(),
      enabled: /^MII Status: up$/m.test(s) && s.match(/^Aggregator ID: (\d+)$/m)?.[1] === active,
    })),
  };
}
