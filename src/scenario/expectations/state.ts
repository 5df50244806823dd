import { z } from 'zod';
import { daemonDriver } from '../../daemons/registry.js';
import { rejectionReasons } from '../../lab/expected.js';
import { bound, describeBound, name, withinBound, type Bound } from '../values.js';
import type { ExpectationKind } from './types.js';

const schema = z.strictObject({
  at: name.describe('a mark step'),
  node: name,
  session: z.string().optional().describe('an interconnect ("ams/ic1"), or a neighbor address'),
  bgp: z.enum(['established', 'down']).optional(),
  bfd: z.enum(['up', 'down']).optional(),
  routes: bound.optional().describe('prefixes received on the session'),
  lag: z.string().optional().describe('an interconnect ("ams/ic1")'),
  'members-active': z.number().int().min(0).optional(),
  accepted: z.array(z.string()).optional().describe("peer prefixes that must be in the node's BGP table (E-POLICY)"),
  rejected: z.array(z.string()).optional().describe("peer prefixes that must not be in the node's BGP table"),
});

export interface StateBody {
  at: string;
  node: string;
  /** The neighbor address on `node`, and how the file named it. */
  session?: { address: string; label: string };
  bgp?: 'established' | 'down';
  bfd?: 'up' | 'down';
  routes?: Bound;
  lag?: { iface: string; label: string };
  membersActive?: number;
  accepted?: string[];
  /** With the rules each prefix breaks, so a report can name them. */
  rejected?: { prefix: string; rules: string[] }[];
}

/** A router at a mark: its session's BGP, BFD and routes, its LAG's members, the prefixes it accepted and refused. */
export const state: ExpectationKind<'state', typeof schema, StateBody> = {
  kind: 'state',
  schema,
  bind(s, path, ctx) {
    ctx.markNamed(s.at, [...path, 'at']);
    ctx.router(s.node, [...path, 'node']);
    if ((s.bgp || s.bfd || s.routes) && !s.session)
      ctx.fail('bgp, bfd and routes are about a session: name it with "session"', path);
    if (s['members-active'] !== undefined && !s.lag) ctx.fail('members-active needs "lag"', path);
    const node = ctx.model.nodes.find((n) => n.name === s.node)!;
    if ((s.accepted || s.rejected) && !daemonDriver(node.daemon!).routes)
      ctx.fail(`accepted and rejected are read from a BGP table, which ${node.daemon} does not show`, [
        ...path,
        'node',
      ]);
    if (s.rejected && node.role !== 'edge-router')
      ctx.fail("rejected is the Microsoft edge's import policy: name an edge router", [...path, 'node']);
    for (const key of ['accepted', 'rejected'] as const)
      s[key]?.forEach((prefix, j) => {
        if (!ctx.model.peer.prefixes.some((p) => p.prefix === prefix))
          ctx.fail(
            `"${prefix}" is not a prefix of the peer; its prefixes: ${ctx.model.peer.prefixes.map((p) => p.prefix).join(', ')}`,
            [...path, key, j],
          );
      });
    return {
      at: s.at,
      node: s.node,
      ...(s.session ? { session: ctx.session(s.node, s.session, [...path, 'session']) } : {}),
      ...(s.bgp ? { bgp: s.bgp } : {}),
      ...(s.bfd ? { bfd: s.bfd } : {}),
      ...(s.routes ? { routes: s.routes } : {}),
      ...(s.lag ? { lag: ctx.lag(s.node, s.lag, [...path, 'lag']) } : {}),
      ...(s['members-active'] !== undefined ? { membersActive: s['members-active'] } : {}),
      ...(s.accepted ? { accepted: s.accepted } : {}),
      ...(s.rejected
        ? { rejected: s.rejected.map((prefix) => ({ prefix, rules: rejectionReasons(ctx.model, s.node, prefix) })) }
        : {}),
    };
  },
  judge(e, r) {
    const want: string[] = [];
    const got: string[] = [];
    let pass = true;
    const check = (what: string, expected: string, measured: string, ok: boolean) => {
      want.push(`${what} ${expected}`);
      got.push(`${what} ${measured}`);
      pass &&= ok;
    };
    const reached = r.marks.find((m) => m.name === e.at);
    const snap = reached?.snapshots[e.node] ?? { node: e.node, bgp: [], bfd: [], lags: [] };
    const where = `${e.node} at ${e.at}`;
    if (!reached)
      return {
        pass: false,
        expected: where,
        measured: `mark "${e.at}" was not reached${r.error ? `: ${r.error}` : ''}`,
        details: [],
      };
    if (e.session) {
      const bgp = snap.bgp.find((b) => b.peer === e.session!.address);
      const label = `session ${e.session.label}`;
      if (e.bgp)
        check(
          `${label} BGP`,
          e.bgp,
          bgp?.state ?? 'absent',
          (bgp?.state === 'Established') === (e.bgp === 'established'),
        );
      if (e.bfd) {
        const bfd = snap.bfd.find((b) => b.peer === e.session!.address);
        check(`${label} BFD`, e.bfd, bfd?.state ?? 'absent', (bfd?.state === 'up') === (e.bfd === 'up'));
      }
      if (e.routes) {
        const n = bgp?.state === 'Established' ? bgp.received : 0;
        check(`${label} routes`, describeBound(e.routes), String(n), withinBound(n, e.routes));
      }
    }
    if (e.lag) {
      const lag = snap.lags.find((l) => l.name === e.lag!.iface);
      const active = lag?.negotiated ? lag.members.filter((m) => m.enabled).length : 0;
      if (e.membersActive !== undefined)
        check(`LAG ${e.lag.label} members active`, String(e.membersActive), String(active), active === e.membersActive);
    }
    const table = new Set(reached.prefixes[e.node] ?? []);
    for (const prefix of e.accepted ?? [])
      check(prefix, 'accepted', table.has(prefix) ? 'accepted' : 'absent', table.has(prefix));
    // Rejected means it arrived and was not accepted: a prefix the peer never sent proves nothing.
    const received = new Set(reached.received[e.node] ?? []);
    for (const { prefix, rules } of e.rejected ?? []) {
      const measured = table.has(prefix)
        ? 'ACCEPTED'
        : received.has(prefix)
          ? 'received, not accepted'
          : 'never received';
      check(
        prefix,
        `rejected (breaks ${rules.join(', ') || 'no rule'})`,
        measured,
        measured === 'received, not accepted',
      );
    }
    return { pass, expected: `${where}: ${want.join(', ')}`, measured: got.join(', '), details: [] };
  },
};
