import type { NodeAccess } from '../daemons/types.js';
import type { BgpSession } from '../topology/model.js';
import type { Lab } from './lab.js';
import type { Problem } from './readiness.js';

type Access = (node: string) => Promise<NodeAccess>;

/**
 * Why a BFD session the model runs cannot come up: one end's daemon has the neighbor without BFD, in its
 * own words (FRR shows BFD on every neighbor configured with it). Undefined when both run it or either
 * does not say.
 */
function withoutBfd(lab: Lab, access: Access) {
  const asked = new Map<string, Promise<string | undefined>>();
  return (session: BgpSession): Promise<string | undefined> => {
    if (!asked.has(session.id))
      asked.set(
        session.id,
        (async () => {
          for (const [end, other] of [
            [session.a, session.b],
            [session.b, session.a],
          ] as const) {
            const runs = await lab.daemon(end.node).bfdConfigured?.(await access(end.node), other.address);
            if (runs === false) return `${end.node} runs no BFD with ${other.address} (its daemon's own config)`;
          }
          return undefined;
        })(),
      );
    return asked.get(session.id)!;
  };
}

/** Whether the edge's BFD gate holds this session's BGP until BFD is up. */
function gated(lab: Lab, session: BgpSession): boolean {
  return (lab.gate?.gated ?? []).some(
    (g) =>
      (g.node === session.a.node && g.address === session.b.address) ||
      (g.node === session.b.node && g.address === session.a.address),
  );
}

/**
 * Why each problem cannot end by waiting, as the daemons say, when every one is a session: a BGP session
 * refused with an OPEN error (a peer AS, a hold time the other end will not take); a BFD session one end's
 * config does not run, and the BGP session the edge holds for it. Undefined when any problem is something
 * else or may yet come up: then the wait goes on.
 */
export async function keptDown(lab: Lab, problems: Problem[], access: Access): Promise<string[] | undefined> {
  if (problems.length === 0 || !problems.every((p) => p.session ?? p.bfd)) return undefined;
  const noBfd = withoutBfd(lab, access);
  const reasons = await Promise.all(
    problems.map(async ({ session, bfd }) => {
      const { node, peer, id } = (session ?? bfd)!;
      if (session) {
        const refusal = await lab.daemon(node).refusal?.(await access(node), peer);
        if (refusal) return `refused: ${refusal}`;
      }
      const found = lab.model.sessions.find((s) => s.id === id);
      if (!found?.bfd || (session && !gated(lab, found))) return undefined;
      const why = await noBfd(found);
      return why && (session ? `held by the edge until BFD is up, and ${why}` : `cannot come up: ${why}`);
    }),
  );
  if (!reasons.every((r) => r !== undefined)) return undefined;
  return problems.map((p, i) => `${p.text}, ${reasons[i]}`);
}
