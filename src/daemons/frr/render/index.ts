import type { RouterIntent } from '../../intent.js';
import { renderFrrBfd } from './bfd.js';
import { renderFrrBgp } from './bgp.js';
import { renderFrrPolicies } from './policy.js';

/** frr.conf (integrated config) for zebra, bgpd, bfdd and staticd. */
export function renderFrr(intent: RouterIntent, header: string): string {
  return [
    `! ${header}`,
    'frr defaults traditional',
    `hostname ${intent.hostname}`,
    'service integrated-vtysh-config',
    // FRR 8.4's zebra loses an ECMP member from the kernel's nexthop group when that member's link flaps
    // (the kernel flushes it; zebra still shows it installed: FRRouting/frr#13413, #14080), so traffic never
    // returns to a repaired path. Plain multipath routes have no such group to lose.
    'no zebra nexthop kernel enable',
    // bgpd holds every peer until the route-map update timer (5 s by default) has run out after the config
    // is read ("released from config-pending hold"): 4 s of every lab's bring-up spent waiting, not routing.
    'bgp route-map delay-timer 0',
    '!',
    ...intent.originate.filter((o) => o.blackhole).map((o) => `ip route ${o.prefix} blackhole`),
    ...renderFrrPolicies(intent.prefixSets, intent.policies),
    ...renderFrrBfd(intent),
    ...renderFrrBgp(intent),
    'end',
    '',
  ].join('\n');
}
