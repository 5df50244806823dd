import type { Bond } from '../types.js';

/**
 * Names of what the nft driver adds to a node. Topology names are [a-z0-9-], so a "." never collides
 * with a lab interface, and each name is no longer than the member or bond name it comes from (the
 * resolver keeps those within Linux's 15 bytes).
 */
export const nftTable = 'peerlab_lag';

/** The far end of the bond's L3 veth: frames the router sends arrive here and are hashed over the members. */
export function lagEnd(bond: string): string {
  return `${bond}.t`;
}

/** The Open vSwitch bridge that runs the bond's LACP (its internal port stays down and unused). */
export function lacpBridge(bond: string): string {
  return `${bond}.o`;
}

/** A member's LACP proxy: OVS's end (`x`) and the end that meets the member's frames (`y`). */
export function proxyOf(member: string): { x: string; y: string } {
  const m = /^(.*)-m(\d+)$/.exec(member);
  const [base, n] = m ? [m[1]!, m[2]!] : [member.slice(0, 12), ''];
  return { x: `${base}.x${n}`, y: `${base}.y${n}` };
}

/** The member a proxy stands for (OVS reports proxies). */
export function memberOfProxy(bonds: Bond[], proxy: string): string {
  for (const b of bonds) for (const m of b.members) if (proxyOf(m).x === proxy) return m;
  return proxy;
}

/** Hash buckets a bond spreads flows over (the kernel's flow hash, symmetric, modulo this). */
export const buckets = 16;
