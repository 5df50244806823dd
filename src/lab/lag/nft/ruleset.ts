import type { Bond } from '../types.js';
import { buckets, lagEnd, nftTable, proxyOf } from './names.js';

/**
 * The node's LAG data path in nftables' netdev family, so that data frames never leave the kernel:
 * - what the router sends on the bond's L3 veth arrives at its far end, where `fwd` hashes each flow
 *   (the kernel's symmetric flow hash, as a bond's layer3+4 policy) onto a member through the bond's
 *   map of buckets; a bucket with no member (none distributing) drops;
 * - a member's LACP frames (slow protocols, 0x8809) go to its proxy, where Open vSwitch runs LACP, and
 *   what OVS sends on the proxy goes out of the member;
 * - every other frame a member receives is delivered to the L3 interface only while the member is
 *   collecting (in the `collecting` set), as a bond discards what arrives on a member it does not use.
 * `fwd` sends with the member's own transmit path, so the faults' egress hooks on members see every frame.
 * The watcher fills the maps and the set from the members' carrier and OVS's LACP state.
 */
export function lagRuleset(bonds: Bond[]): string {
  const lines = [`add table netdev ${nftTable}`, `add set netdev ${nftTable} collecting { type ifname; }`];
  bonds.forEach((b, i) => {
    lines.push(
      `add map netdev ${nftTable} b${i} { typeof symhash mod ${buckets} : meta oif; }`,
      hook(`out${i}`, lagEnd(b.name)),
      `add rule netdev ${nftTable} out${i} fwd to symhash mod ${buckets} map @b${i}`,
    );
    b.members.forEach((m, j) => {
      const { y } = proxyOf(m);
      lines.push(
        hook(`in${i}_${j}`, m),
        `add rule netdev ${nftTable} in${i}_${j} ether type 0x8809 fwd to "${y}"`,
        `add rule netdev ${nftTable} in${i}_${j} iifname @collecting fwd to "${lagEnd(b.name)}"`,
        hook(`lacp${i}_${j}`, y),
        `add rule netdev ${nftTable} lacp${i}_${j} fwd to "${m}"`,
      );
    });
  });
  return lines.join(' ; ');
}

function hook(chain: string, device: string): string {
  return `add chain netdev ${nftTable} ${chain} { type filter hook ingress device "${device}" priority 0; policy drop; }`;
}

/** What the watcher needs to know of each bond: its map, its far end and its members with their proxies. */
export function watchedBonds(bonds: Bond[]) {
  return bonds.map((b, i) => ({
    name: b.name,
    map: `b${i}`,
    end: lagEnd(b.name),
    members: b.members.map((m) => ({ name: m, ...proxyOf(m) })),
  }));
}
