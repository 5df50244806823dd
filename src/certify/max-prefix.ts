import type { Lab } from '../lab/lab.js';
import { snapshotNode, socketAccess } from '../lab/snapshot.js';
import { addressAt, parsePrefix, ranges, serviceCapacity } from '../topology/addresses.js';
import type { Clock } from '../util/clock.js';
import type { Finding } from './edge-rules.js';

/** Microsoft's announcement grows 10-15% (R-MAX-PREFIX); 400-500 is the documented safe limit. */
const growth = 0.15;
const documentedSafe = 400;

/**
 * R-MAX-PREFIX in the running lab: Microsoft's core announces more service prefixes (about 280, then 280 +
 * 15%, then 400), and every partner session must stay up. Run last: a partner that tears its session
 * down on a limit keeps it down (FRR until cleared, BIRD until enabled), as its real router would.
 */
export async function growAnnouncement(lab: Lab, clock: Clock): Promise<Finding[]> {
  const core = lab.model.nodes.find((n) => n.role === 'ms-core');
  const driver = core?.daemon ? lab.daemon(core.name) : undefined;
  if (!core?.asn || !driver?.originate)
    return [{ status: 'n/a', text: "the Microsoft core's daemon cannot grow its announcement here" }];
  const base = lab.model.microsoft.servicePrefixes.length;
  const services = parsePrefix(ranges.services);
  const capacity = serviceCapacity;
  const steps = [Math.round(base * (1 + growth)), Math.max(documentedSafe, Math.round(base * (1 + growth)))]
    .filter((n, i, all) => n > base && all.indexOf(n) === i)
    .map((n) => Math.min(n, capacity));
  const sessions = lab.model.interconnects.map((ic) => {
    const s = lab.model.sessions.find((x) => x.interconnect === ic.id)!;
    return { ic, edge: s.a.node === ic.edgeRouter ? s.a : s.b };
  });
  const findings: Finding[] = [];
  const down = new Set<string>();
  // A session that is not up before the growth (held by the BFD gate, say) is not the limit's doing.
  for (const { ic, state } of await sessionStates(lab, sessions))
    if (state !== 'Established') {
      down.add(ic.id);
      findings.push({
        status: 'n/a',
        text: `${ic.peerRouter}'s session ${ic.id} was not established before the growth (${state}): not judged`,
      });
    }
  if (down.size === sessions.length) return findings;
  let added: string[] = [];
  const dirs = lab.dirs(core.name);
  try {
    for (const [i, target] of steps.entries()) {
      const more = Array.from({ length: target - base }, (_, k) =>
        addressAt(services, BigInt((base + k) * 256), 24),
      ).slice(added.length);
      for (const command of driver.originate(dirs, core.asn, more).apply) await lab.exec(core.name, command);
      added = [...added, ...more];
      const states = await settle(lab, clock, sessions, target);
      for (const { ic, state, received, info } of states) {
        if (down.has(ic.id)) continue;
        if (state === 'Established') {
          findings.push({
            status: 'pass',
            text: `${ic.peerRouter} kept ${ic.id} up with the edge announcing ${target} prefixes (it accepted ${received})`,
          });
          continue;
        }
        down.add(ic.id);
        findings.push({
          status: i === 0 ? 'fail' : 'warn',
          text: `${ic.peerRouter} tore ${ic.id} down when the edge announced ${target} prefixes (${i === 0 ? `${base} + ${Math.round(growth * 100)}%` : `the documented safe limit is ${documentedSafe}-500`})${info ? `: ${info}` : ''}`,
        });
      }
    }
  } finally {
    if (added.length)
      for (const command of driver.originate(dirs, core.asn, added).revert)
        await lab.exec(core.name, command, { allowFailure: true });
  }
  return findings;
}

type Sessions = { ic: Lab['model']['interconnects'][number]; edge: { address: string } }[];

/** Each partner router's session toward its edge, as the partner router sees it. */
function sessionStates(lab: Lab, sessions: Sessions) {
  return Promise.all(
    sessions.map(async ({ ic, edge }) => {
      const snap = await snapshotNode(lab, ic.peerRouter, await socketAccess(lab, ic.peerRouter));
      const peer = snap.bgp.find((b) => b.peer === edge.address);
      return { ic, state: peer?.state ?? 'absent', received: peer?.received ?? 0, info: peer?.info };
    }),
  );
}

/** Poll the partner routers until each session is down or has received `target` prefixes (at most 20 s). */
async function settle(lab: Lab, clock: Clock, sessions: Sessions, target: number) {
  const deadline = clock.now() + 20_000;
  for (;;) {
    const states = await sessionStates(lab, sessions);
    // The partner's import policy may keep fewer than announced: settled once no count still moves.
    const done = states.every((s) => s.state !== 'Established' || s.received >= target);
    if (done || clock.now() > deadline) return states;
    await clock.sleep(1000);
  }
}
