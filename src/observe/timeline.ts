import { downCause, type DownCause, type NodeAccess } from '../daemons/types.js';
import { LabError } from '../errors.js';
import type { BeforeFault } from '../lab/expected.js';
import type { Lab } from '../lab/lab.js';
import { snapshotNode, socketAccess, type NodeSnapshot } from '../lab/snapshot.js';
import { systemClock, type Clock } from '../util/clock.js';

export type EventKind = 'bfd' | 'bgp' | 'routes' | 'fib' | 'lacp' | 'member' | 'fault' | 'probe';

/** One change, first seen at `atMs` and not yet seen at `sinceMs` (the sample before): its time is known to within that. */
export interface TimelineEvent {
  atMs: number;
  sinceMs: number;
  node: string;
  kind: EventKind;
  /** The BGP/BFD peer, the LAG or member, or the fault. */
  subject: string;
  from?: string;
  to: string;
  /** Why, when the daemon says (e.g. BGP: "BFD down received"). */
  detail?: string;
  /** A BGP session's fall as a mechanism, from the daemon's words in `detail`. */
  cause?: DownCause;
}

/** Packets in, out and dropped (either way) by an interface so far. */
export interface InterfaceCounters {
  rx: number;
  tx: number;
  drops: number;
}

/** Packets through a router interface so far (the path traffic takes shows in how these move). */
export interface CounterSample {
  atMs: number;
  node: string;
  counters: Record<string, InterfaceCounters>;
}

export interface Timeline {
  intervalMs: number;
  startedAt: number;
  stoppedAt: number;
  samples: number;
  events: TimelineEvent[];
  counters: CounterSample[];
}

export interface RunningTimeline {
  /** Add a fault or probe event at the current time. */
  mark(event: Omit<TimelineEvent, 'atMs' | 'sinceMs'> & { atMs?: number }): void;
  /** Each router's sessions' prefix counts and its kernel's route count at its latest sample. */
  beforeFault(): BeforeFault;
  stop(): Promise<Timeline>;
}

const absent = 'absent';

/** What each kind of event watches in a snapshot: subject -> state, compared between two samples. */
const watched: [EventKind, (s: NodeSnapshot) => [string, string][]][] = [
  ['bfd', (s) => s.bfd.map((b) => [b.peer, b.state])],
  ['bgp', (s) => s.bgp.map((b) => [b.peer, b.state])],
  ['routes', (s) => s.bgp.map((b) => [b.peer, String(b.received)])],
  ['fib', (s) => (s.fib === undefined ? [] : [['kernel routes', String(s.fib)]])],
  ['lacp', (s) => s.lags.map((l) => [l.name, l.negotiated ? 'negotiated' : 'not negotiated'])],
  [
    'member',
    (s) => s.lags.flatMap((l) => l.members.map((m): [string, string] => [m.name, m.enabled ? 'enabled' : 'disabled'])),
  ],
];

/**
 * A daemon that answered too late (busy, on a loaded host) said nothing of its sessions: they keep the
 * state last read, rather than reading as gone and back (a false session-down and restore).
 */
export function carryLate(prev: NodeSnapshot, next: NodeSnapshot): NodeSnapshot {
  if (!next.late) return next;
  return {
    ...next,
    bgp: next.late.includes('bgp') ? prev.bgp : next.bgp,
    bfd: next.late.includes('bfd') ? prev.bfd : next.bfd,
  };
}

/** The state changes between two snapshots of a node, each a timeline event. */
export function diffSnapshots(prev: NodeSnapshot, next: NodeSnapshot, sinceMs: number, atMs: number): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const [kind, view] of watched) {
    const before = new Map(view(prev));
    const after = new Map(view(next));
    for (const subject of new Set([...before.keys(), ...after.keys()])) {
      const [from, to] = [before.get(subject) ?? absent, after.get(subject) ?? absent];
      if (from !== to) events.push({ atMs, sinceMs, node: next.node, kind, subject, from, to });
    }
  }
  for (const e of events.filter((e) => e.kind === 'bgp')) {
    const said = next.bgp.find((b) => b.peer === e.subject)?.info;
    if (said && e.from === 'Established') Object.assign(e, { detail: said }, reasonOf(said));
  }
  return events;
}

const reasonOf = (said: string) => {
  const cause = downCause(said);
  return cause ? { cause } : {};
};

/** A session that fell with no reason in the sample: ask the daemon why, once. */
async function explainDown(lab: Lab, access: NodeAccess, event: TimelineEvent): Promise<void> {
  const said = await lab
    .daemon(event.node)
    .downReason?.(access, event.subject)
    .catch((error: unknown) => {
      // An answer that is not the daemon's JSON (it was restarting): the event stays without a reason.
      if (error instanceof LabError) return undefined;
      throw error;
    });
  if (said) Object.assign(event, { detail: said }, reasonOf(said));
}

/** `/proc/net/dev`: packets received, sent and dropped per interface. */
export function parseNetDev(text: string): Record<string, InterfaceCounters> {
  const counters: Record<string, InterfaceCounters> = {};
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    if (m[1] !== 'lo') counters[m[1]!] = { rx: f[1]!, tx: f[9]!, drops: f[3]! + f[11]! };
  }
  return counters;
}

/**
 * Sample BFD, BGP (with route counts) and LACP on every router every `intervalMs` through the
 * daemons' control sockets, plus interface counters, and keep each change as an event.
 */
export function startTimeline(lab: Lab, options: { intervalMs?: number; clock?: Clock } = {}): RunningTimeline {
  const intervalMs = options.intervalMs ?? 100;
  const clock = options.clock ?? systemClock;
  const routers = lab.model.nodes.filter((n) => n.role !== 'host').map((n) => n.name);
  const startedAt = clock.now();
  const events: TimelineEvent[] = [];
  const counters: CounterSample[] = [];
  const last = new Map<string, { snapshot: NodeSnapshot; asked: number }>();
  let samples = 0;
  let running = true;
  const explaining: Promise<void>[] = [];

  // Access resolves container pids once; a node that read as empty (a killed router) resolves again.
  const accesses = new Map<string, Promise<NodeAccess>>();
  const sampleNode = async (node: string) => {
    if (!accesses.has(node)) accesses.set(node, socketAccess(lab, node));
    const access = await accesses.get(node)!.catch(() => undefined);
    if (!access) return accesses.delete(node);
    // A daemon answers with its state somewhere between the question and the answer: a change is known
    // to have come after the previous question was asked and before this answer arrived. (Stamping the
    // previous answer instead put "still up" as late as a busy host's slowest answer: a false late.)
    const asked = clock.now();
    const [read, netdev] = await Promise.all([snapshotNode(lab, node, access), access.procNet('dev')]);
    const at = clock.now();
    const prev = last.get(node);
    const snapshot = prev ? carryLate(prev.snapshot, read) : read;
    const changes = prev ? diffSnapshots(prev.snapshot, snapshot, prev.asked, at) : [];
    events.push(...changes);
    for (const e of changes.filter((e) => e.kind === 'bgp' && e.from === 'Established' && !e.detail))
      explaining.push(explainDown(lab, access, e));
    // A late answer tells nothing new: a change is still known only to have followed the last answered question.
    last.set(node, { snapshot, asked: read.late && prev ? prev.asked : asked });
    if (netdev) counters.push({ atMs: at, node, counters: parseNetDev(netdev) });
    if (!snapshot.bgp.length && !snapshot.bfd.length && !snapshot.lags.length) accesses.delete(node);
  };
  const loop = (async () => {
    while (running) {
      const began = clock.now();
      await Promise.all(routers.map(sampleNode));
      samples++;
      await clock.sleep(Math.max(0, intervalMs - (clock.now() - began)));
    }
  })();

  return {
    mark(event) {
      const at = event.atMs ?? clock.now();
      events.push({ ...event, atMs: at, sinceMs: at });
    },
    beforeFault() {
      const nodes = [...last].map(([node, { snapshot }]) => [node, snapshot] as const);
      return {
        received: Object.fromEntries(
          nodes.map(([node, s]) => [node, Object.fromEntries(s.bgp.map((b) => [b.peer, b.received]))]),
        ),
        fib: Object.fromEntries(nodes.flatMap(([node, s]) => (s.fib === undefined ? [] : [[node, s.fib]]))),
      };
    },
    async stop() {
      running = false;
      await loop;
      await Promise.all(explaining);
      return {
        intervalMs,
        startedAt,
        stoppedAt: clock.now(),
        samples,
        events: events.sort((a, b) => a.atMs - b.atMs),
        counters,
      };
    },
  };
}
