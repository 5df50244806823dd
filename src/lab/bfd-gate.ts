import { systemClock, type Clock } from '../util/clock.js';
import type { GateEvent, Lab } from './lab.js';
import { socketAccess } from './snapshot.js';

interface GatedSession {
  node: string;
  asn: number;
  address: string;
  held: boolean;
}

/**
 * Microsoft's edge holds route exchange on a voice session until BFD is up, and again whenever BFD goes
 * down. Neither FRR 8.4 nor 10.3 has BFD strict mode (draft-ietf-idr-bgp-bfd-strict-mode), so the lab
 * does it from outside: the edge's rendered config starts the neighbor shut down next to a configured
 * BFD peer, and this loop reads every gated edge's BFD sessions over their control sockets every 100 ms,
 * releasing a neighbor when its BFD session is up and holding it when it is not.
 */
export class BfdGate {
  readonly events: GateEvent[] = [];
  private readonly sessions: GatedSession[];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly lab: Lab,
    private readonly clock: Clock = systemClock,
    private readonly periodMs = 100,
  ) {
    this.sessions = lab.model.interconnects.flatMap((ic) => {
      const session = lab.model.sessions.find((s) => s.interconnect === ic.id);
      const edge = lab.model.nodes.find((n) => n.name === ic.edgeRouter);
      if (!session?.bfd || !edge?.asn || !lab.daemon(edge.name).gate) return [];
      const peer = session.a.node === ic.peerRouter ? session.a : session.b;
      return [{ node: edge.name, asn: edge.asn, address: peer.address, held: true }];
    });
  }

  /** The sessions the gate holds or releases. */
  get gated(): readonly { node: string; address: string }[] {
    return this.sessions;
  }

  start(): void {
    if (this.sessions.length === 0) return;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    const nodes = [...new Set(this.sessions.map((s) => s.node))];
    const failing = new Set<string>();
    while (!this.stopped) {
      await Promise.all(
        nodes.map((node) =>
          this.step(node).then(
            () => failing.delete(node),
            (error: unknown) => {
              // A gate that cannot act must not read as the partner's BFD failing: it says so, once per streak.
              if (failing.has(node)) return;
              failing.add(node);
              for (const session of this.sessions.filter((s) => s.node === node))
                this.events.push({
                  atMs: this.clock.now(),
                  node,
                  peer: session.address,
                  event: 'failed',
                  bfd: 'unknown',
                  error: error instanceof Error ? error.message.split('\n')[0]! : String(error),
                });
            },
          ),
        ),
      );
      await this.clock.sleep(this.periodMs);
    }
  }

  private async step(node: string): Promise<void> {
    const driver = this.lab.daemon(node);
    const { bfd } = await driver.readSessions(await socketAccess(this.lab, node));
    for (const session of this.sessions.filter((s) => s.node === node)) {
      const state = bfd.find((b) => b.peer === session.address)?.state ?? 'absent';
      const up = state === 'up';
      if (up !== session.held) continue;
      const commands = (up ? driver.gate!.release : driver.gate!.hold)(
        this.lab.dirs(node),
        session.asn,
        session.address,
      );
      for (const command of commands) await this.lab.exec(node, command);
      session.held = !up;
      this.events.push({
        atMs: this.clock.now(),
        node,
        peer: session.address,
        event: up ? 'released' : 'held',
        bfd: state,
      });
    }
  }
}
