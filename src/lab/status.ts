import { snapshotNode, type NodeSnapshot } from './snapshot.js';
import { formatTable } from '../util/table.js';
import { currentProblems } from './converge.js';
import type { Lab } from './lab.js';
import { describeFault, pidAlive, recordedFaults } from './fault-records.js';

export interface LabStatus {
  lab: string;
  runtime: string;
  lagDriver: string;
  nodes: { name: string; role: string; daemon?: string; snapshot?: NodeSnapshot }[];
  problems: string[];
  /** Faults recorded as applied (a fault process killed before its revert leaves one). */
  faults: string[];
}

export async function labStatus(lab: Lab): Promise<LabStatus> {
  const nodes = await Promise.all(
    lab.model.nodes.map(async (n) => ({
      name: n.name,
      role: n.role,
      ...(n.daemon ? { daemon: n.daemon, snapshot: await snapshotNode(lab, n.name) } : {}),
    })),
  );
  return {
    lab: lab.name,
    runtime: lab.runtime.kind,
    lagDriver: lab.lag.kind,
    nodes,
    problems: await currentProblems(lab),
    faults: (await recordedFaults(lab.name)).map((r) => describeFault(r, pidAlive)),
  };
}

export function formatStatus(status: LabStatus): string {
  const rows = status.nodes.map((n) => {
    const s = n.snapshot;
    const count = <T>(items: T[] | undefined, ok: (t: T) => boolean) =>
      items?.length ? `${items.filter(ok).length}/${items.length}` : '-';
    // A daemon that runs but did not answer in time: its sessions are unknown, not none.
    const sessions = <T>(kind: 'bgp' | 'bfd', items: T[] | undefined, ok: (t: T) => boolean) =>
      s?.late?.includes(kind) ? 'no answer' : count(items, ok);
    const members = s?.lags.flatMap((l) => l.members);
    return [
      n.name,
      n.role,
      n.daemon ?? '-',
      sessions('bgp', s?.bgp, (b) => b.state === 'Established'),
      sessions('bfd', s?.bfd, (b) => b.state === 'up'),
      count(members, (m) => m.enabled),
    ];
  });
  return [
    `lab ${status.lab} (${status.runtime}, ${status.lagDriver} LAGs): ${status.problems.length ? 'NOT converged' : 'converged'}`,
    formatTable(['NODE', 'ROLE', 'DAEMON', 'BGP UP', 'BFD UP', 'LAG MEMBERS UP'], rows),
    ...(status.problems.length ? ['', 'not ready:', ...status.problems.map((p) => `  ${p}`)] : []),
    ...(status.faults.length
      ? ['', `faults still applied (peerlab revert ${status.lab} undoes them):`, ...status.faults.map((f) => `  ${f}`)]
      : []),
  ].join('\n');
}
