import { z } from 'zod';
import { daemonOf } from '../../daemons/registry.js';
import { name } from '../values.js';
import type { ExpectationKind } from './types.js';

const schema = z.strictObject({ at: name.describe('a mark step, taken while peering is up') });

export interface ReadvertiseBody {
  at: string;
  transit: string;
  /** The AS whose re-advertisement is looked for (Microsoft's), and the peer's prefixes. */
  asn: number;
  prefixes: string[];
}

/**
 * R-NO-READVERTISE, read where it would show: the internet transit's BGP table at a mark. Microsoft must
 * never pass the peer's prefixes on to the internet: no path the transit has for a peer prefix may go
 * through its AS. The transit must have the prefixes at all (from the peer), or the check proves nothing.
 */
export const readvertise: ExpectationKind<'readvertise', typeof schema, ReadvertiseBody> = {
  kind: 'readvertise',
  schema,
  bind(r, path, ctx) {
    ctx.markNamed(r.at, [...path, 'at']);
    const transit = ctx.model.transit?.node;
    if (!transit) return ctx.fail('readvertise reads the transit, and the topology has none', path);
    const node = ctx.model.nodes.find((n) => n.name === transit)!;
    if (!daemonOf(node).routes) ctx.fail(`the transit runs ${node.daemon}, whose BGP table peerlab cannot read`, path);
    return { at: r.at, transit, asn: ctx.model.microsoft.asn, prefixes: ctx.model.peer.prefixes.map((p) => p.prefix) };
  },
  judge(e, r) {
    const expected = `${e.transit} at ${e.at}: every peer prefix, no path through AS${e.asn}`;
    const mark = r.marks.find((m) => m.name === e.at);
    if (!mark) return { pass: false, expected, measured: `mark "${e.at}" was not reached`, details: [] };
    const table = mark.paths[e.transit] ?? {};
    const through = (path: string) => path.split(/\s+/).includes(String(e.asn));
    const details = e.prefixes.map((prefix) => {
      const paths = table[prefix] ?? [];
      const bad = paths.filter(through);
      return {
        ok: paths.length > 0 && bad.length === 0,
        text: `${prefix}: ${paths.length ? paths.map((p) => `[${p}]`).join(' ') : 'absent'}${bad.length ? ` (through AS${e.asn})` : ''}`,
      };
    });
    const readvertised = details.filter((d) => / \(through AS/.test(d.text));
    const absent = details.filter((d) => d.text.endsWith('absent'));
    return {
      pass: details.every((d) => d.ok),
      expected,
      measured: readvertised.length
        ? `${readvertised.length} peer prefixes reached the transit through AS${e.asn}`
        : absent.length
          ? `${absent.length} peer prefixes are not in the transit's table (nothing to judge)`
          : `${e.prefixes.length} peer prefixes, none through AS${e.asn}`,
      details: details.map((d) => d.text),
    };
  },
};
