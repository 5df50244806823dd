import type { Lab } from '../lab/lab.js';
import type { Finding } from './edge-rules.js';

/** Queueing disciplines and actions that cap a rate: a shaper or a policer on the peering. */
const limiting = /\b(tbf|htb|hfsc|cbq|cake|police|policer)\b/;
/** Connection tracking in an nftables ruleset: the device keeps per-flow state. */
const conntrack = /\bct (state|status|mark|helper|count|direction|original|reply|expiration|zone)\b|\bnotrack\b/;
const nftLimit = /\b(limit rate|meter|quota)\b/;
/** Hooks that see traffic the router forwards (its peering traffic), not only its own. */
const forwardingHooks = /\bhook (forward|prerouting|postrouting|ingress|egress)\b/;

/** What the partner's router really runs on its interconnects, read from it (`tc`, `nft list ruleset`). */
export async function readRunningRouters(lab: Lab): Promise<Record<string, Finding[]>> {
  const rate: Finding[] = [];
  const stateful: Finding[] = [];
  for (const router of lab.model.nodes.filter((n) => n.role === 'peer-router')) {
    const bonds = lab.model.interconnects.filter((ic) => ic.peerRouter === router.name).map((ic) => ic.lag.interface);
    const names = router.interfaces
      .filter((i) => bonds.includes(i.name) || (i.bond !== undefined && bonds.includes(i.bond)))
      .map((i) => i.name);
    const seen: string[] = [];
    for (const dev of names) {
      for (const argv of [
        ['tc', 'qdisc', 'show', 'dev', dev],
        ['tc', 'filter', 'show', 'dev', dev, 'ingress'],
        ['tc', 'filter', 'show', 'dev', dev, 'egress'],
      ]) {
        const out = (await lab.exec(router.name, argv, { allowFailure: true })).stdout;
        for (const line of out.split('\n').filter((l) => limiting.test(l)))
          seen.push(`${dev}: ${line.trim().replace(/\s+/g, ' ')}`);
      }
    }
    rate.push(
      ...(seen.length
        ? seen.map((s) => ({ status: 'fail' as const, text: `${router.name} runs a policer or shaper on ${s}` }))
        : [{ status: 'pass' as const, text: `${router.name}: no policer or shaper on ${names.join(', ')} (tc)` }]),
    );
    const ruleset = (await lab.exec(router.name, ['nft', 'list', 'ruleset'], { allowFailure: true })).stdout;
    const rules = readRuleset(ruleset);
    const tracked = rules.filter((r) => conntrack.test(r.text));
    stateful.push(
      ...(tracked.length
        ? tracked.map((r) => ({
            status: 'fail' as const,
            text: `${router.name} tracks connections: "${r.text}" (chain ${r.chain})`,
          }))
        : [
            {
              status: 'pass' as const,
              text: `${router.name}: ${rules.length ? `${rules.length} nftables rules, none with connection tracking` : 'no nftables rules'} (nft list ruleset)`,
            },
          ]),
    );
    for (const r of rules.filter((x) => nftLimit.test(x.text)))
      rate.push(
        r.forwarding
          ? { status: 'fail', text: `${router.name} limits forwarded traffic: "${r.text}" (chain ${r.chain})` }
          : {
              status: 'pass',
              text: `${router.name} limits only traffic to itself: "${r.text}" (chain ${r.chain}, not a forwarding hook)`,
            },
      );
  }
  return { 'R-NO-RATE-LIMIT': rate, 'R-NO-STATEFUL-FW': stateful };
}

/** Each rule of `nft list ruleset` with its chain and whether that chain sees forwarded traffic. */
export function readRuleset(text: string): { chain: string; forwarding: boolean; text: string }[] {
  const rules: { chain: string; forwarding: boolean; text: string }[] = [];
  let chain = '';
  let forwarding = false;
  let ours = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // peerlab's own tables (the nft LAG driver's data path, a fault's drops) emulate hardware, not the partner's rules.
    const table = line.match(/^table \S+ (\S+) \{/);
    if (table) ours = table[1]!.startsWith('peerlab_');
    if (ours) continue;
    const open = line.match(/^chain (\S+) \{/);
    if (open) {
      chain = open[1]!;
      forwarding = false;
      continue;
    }
    if (line === '}') chain = '';
    if (!chain || line === '' || line === '}') continue;
    if (/^type \S+ hook /.test(line)) {
      forwarding = forwardingHooks.test(line);
      continue;
    }
    rules.push({ chain, forwarding, text: line });
  }
  return rules;
}
