import type { ConfigFacts } from '../types.js';

/**
 * The BGP facts of an frr.conf: `router bgp` ASNs, neighbors with their remote-as (peer-groups
 * followed), and interface addresses. Lines are 1-based. Only what vtysh accepted reaches here.
 */
export function inspectFrr(text: string): ConfigFacts {
  const facts: ConfigFacts = { localAs: [], neighbors: [], interfaces: [], unread: [] };
  const groups = new Map<string, { remoteAs: number | 'internal' | 'external'; line: number }>();
  const members: { address: string; group: string; line: number }[] = [];
  let section: 'bgp' | 'interface' | undefined;
  let asn: number | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const text = raw.replace(/!.*$/, '').trimEnd();
    if (!text.trim()) return;
    if (!/^\s/.test(text)) section = undefined;
    let m: RegExpMatchArray | null;
    if ((m = text.match(/^router bgp (\d+)(.*)$/))) {
      section = 'bgp';
      asn = Number(m[1]);
      if (m[2]!.trim()) facts.unread.push({ line, text: text.trim() });
      facts.localAs.push({ asn, line });
    } else if ((m = text.match(/^interface (\S+)/))) {
      section = 'interface';
      facts.interfaces.push({ name: m[1]!, line });
    } else if (section === 'interface' && (m = text.match(/^\s+ip address (\S+)/))) {
      facts.interfaces.at(-1)!.address = m[1]!;
    } else if (section === 'bgp' && (m = text.match(/^\s+neighbor (\S+) remote-as (\d+|internal|external)$/))) {
      const remoteAs = /^\d+$/.test(m[2]!) ? Number(m[2]) : (m[2] as 'internal' | 'external');
      if (groups.has(m[1]!) || !isAddress(m[1]!)) groups.set(m[1]!, { remoteAs, line });
      else facts.neighbors.push({ address: m[1]!, remoteAs, line, ...(asn !== undefined ? { localAs: asn } : {}) });
    } else if (section === 'bgp' && (m = text.match(/^\s+neighbor (\S+) peer-group$/))) {
      if (!groups.has(m[1]!)) groups.set(m[1]!, { remoteAs: 'external', line });
    } else if (section === 'bgp' && (m = text.match(/^\s+neighbor (\S+) peer-group (\S+)$/))) {
      members.push({ address: m[1]!, group: m[2]!, line });
    } else if (section === 'bgp' && (m = text.match(/^\s+neighbor (\S+) interface/))) {
      facts.unread.push({ line, text: text.trim() });
    }
  });
  // A member takes its group's remote-as: a mistake there is reported at the group's remote-as line.
  for (const m of members) {
    if (facts.neighbors.some((n) => n.address === m.address)) continue;
    const group = groups.get(m.group);
    if (!group) facts.unread.push({ line: m.line, text: `neighbor ${m.address} peer-group ${m.group}` });
    else
      facts.neighbors.push({
        address: m.address,
        remoteAs: group.remoteAs,
        line: group.line,
        ...(asn !== undefined ? { localAs: asn } : {}),
      });
  }
  return facts;
}

const isAddress = (s: string) => /^\d+\.\d+\.\d+\.\d+$/.test(s) || s.includes(':');
