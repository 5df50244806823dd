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
    '!',
    ...intent.originate.filter((o) => o.blackhole).map((o) => `ip route ${o.prefix} blackhole`),
    ...renderFrrPolicies(intent.prefixSets, intent.policies),
    ...renderFrrBfd(intent),
    ...renderFrrBgp(intent),
    'end',
    '',
  ].join('\n');
}
