import { basename, dirname, join, relative } from 'node:path';
import { InputError, type SourcePosition } from '../errors.js';
import { faultKinds, faultTarget, type FaultKind } from '../faults/primitives.js';
import { rejectionReasons } from '../lab/expected.js';
import { specIds } from '../requirements/catalog.js';
import { hostPart } from '../topology/addresses.js';
import { loadTopology } from '../topology/load.js';
import type { LabModel } from '../topology/model.js';
import { parseWith, readYamlSource, type YamlSource } from '../util/yaml-source.js';
import type { Expectation, ExpectationBody, FaultSpec, PathTarget, Scenario, Step } from './model.js';
import { expectationKinds, scenarioSchema, type ExpectationFile, type StepFile } from './schema.js';

export interface LoadedScenario {
  scenario: Scenario;
  model: LabModel;
}

/** Read a scenario file, load its topology and bind every name. User mistakes are InputErrors at file:line:col. */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  const source = await readYamlSource(file);
  const parsed = parseWith(scenarioSchema, source);
  const topology = relative(process.cwd(), join(dirname(file), parsed.topology)) || parsed.topology;
  const model = await loadTopology(topology).catch((error: unknown) => {
    if (error instanceof InputError && /cannot read/.test(error.message))
      throw new InputError(
        `topology "${parsed.topology}" not found (looked for ${topology})`,
        source.positionOf(['topology']),
        'topology',
      );
    throw error;
  });
  const bind = new Binder(source, model);
  parsed.covers.forEach((id, i) => bind.specId(id, ['covers', i]));
  parsed.expect.forEach((e, i) => e.covers?.forEach((id, j) => bind.specId(id, ['expect', i, 'covers', j])));
  const steps = parsed.steps.map((s, i) => bind.step(s, i));
  const scenario: Scenario = {
    name: parsed.name ?? basename(file).replace(/\.ya?ml$/, ''),
    file,
    ...(parsed.description ? { description: parsed.description } : {}),
    topology,
    covers: parsed.covers,
    probe: {
      ...(parsed.probe?.rate ? { rate: parsed.probe.rate } : {}),
      ...(parsed.probe?.['flows-per-pair'] ? { perPair: parsed.probe['flows-per-pair'] } : {}),
      ...(parsed.probe?.hosts ? { hosts: parsed.probe.hosts } : {}),
    },
    steps,
    expect: parsed.expect.map((e, i) => bind.expectation(e, i, steps)),
  };
  return { scenario, model };
}

/** Duration in ms: a number is seconds; strings carry their unit. */
export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  const [, amount, unit] = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value)!;
  return Number(amount) * { ms: 1, s: 1000, m: 60_000 }[unit as 'ms' | 's' | 'm'];
}

class Binder {
  private faultNames = new Set<string>();

  constructor(
    private readonly source: YamlSource,
    private readonly model: LabModel,
  ) {}

  private fail(message: string, path: PropertyKey[]): never {
    throw new InputError(message, this.source.positionOf(path), path.map(String).join('.'));
  }

  /** Run a model lookup that throws InputError, and place its message at `path`. */
  private at<T>(path: PropertyKey[], lookup: () => T): T {
    try {
      return lookup();
    } catch (error) {
      if (error instanceof InputError) this.fail(error.message, path);
      throw error;
    }
  }

  specId(id: string, path: PropertyKey[]): void {
    if (!specIds.includes(id)) this.fail(`"${id}" is not an ID of the spec; IDs: ${specIds.join(', ')}`, path);
  }

  step(s: StepFile, i: number): Step {
    const path = ['steps', i];
    if (s.wait) return { kind: 'wait', until: s.wait, timeoutMs: durationMs(s.timeout ?? 150) };
    if (s.hold !== undefined) return { kind: 'hold', ms: durationMs(s.hold) };
    if (s.mark) return { kind: 'mark', name: s.mark };
    if (s.fault) {
      const fault = this.fault(s.fault, [...path, 'fault']);
      const name = s.as ?? `${fault.kind} ${fault.target}`;
      this.faultNames.add(name);
      return { kind: 'fault', fault, name };
    }
    if (s.revert) {
      if (s.revert !== 'all' && !this.faultNames.has(s.revert))
        this.fail(
          `no fault named "${s.revert}" is applied before this step; use "all" or one of: ${[...this.faultNames].join(', ') || '(none)'}`,
          [...path, 'revert'],
        );
      return { kind: 'revert', name: s.revert };
    }
    return {
      kind: 'flap',
      fault: this.fault(s.flap!, [...path, 'flap']),
      count: s.count!,
      periodMs: durationMs(s.period!),
      downMs: durationMs(s.down!),
    };
  }

  private fault(f: NonNullable<StepFile['fault']>, path: PropertyKey[]): FaultSpec {
    let spec: FaultSpec;
    if (typeof f === 'string') {
      const [kind, target, ...rest] = f.trim().split(/\s+/);
      if (!target || rest.length)
        this.fail(`a fault is written "<kind> <target>", such as "link-blackhole ams/ic1"; got "${f}"`, path);
      if (!faultKinds.includes(kind as FaultKind))
        this.fail(`unknown fault kind "${kind}"; one of ${faultKinds.join(', ')}`, path);
      spec = { kind: kind as FaultKind, target };
    } else {
      spec = {
        kind: f.kind,
        target: f.target,
        ...(f.direction ? { direction: f.direction } : {}),
        ...(f.scope ? { scope: f.scope } : {}),
      };
    }
    this.at(path, () => faultTarget(this.model, spec.kind, spec.target));
    return spec;
  }

  expectation(e: ExpectationFile, i: number, steps: Step[]): Expectation {
    const kind = expectationKinds.find((k) => e[k] !== undefined)!;
    const path = ['expect', i, kind];
    const position: SourcePosition = this.source.positionOf(['expect', i]);
    return {
      id: e.id ?? `${kind}-${i + 1}`,
      covers: e.covers ?? [],
      position,
      ...this.body(e, path, steps),
    };
  }

  private body(e: ExpectationFile, path: PropertyKey[], steps: Step[]): ExpectationBody {
    if (e.loss) {
      const l = e.loss;
      for (const end of ['from', 'to'] as const) {
        const host = l.flows?.[end];
        if (host && !this.model.nodes.some((n) => n.name === host && n.role === 'host'))
          this.fail(`unknown host "${host}"; hosts: ${this.hosts()}`, [...path, 'flows', end]);
      }
      if (l['max-loss'] === undefined && l['max-outage'] === undefined && !l.zero)
        this.fail('a loss expectation needs max-loss, max-outage or zero', path);
      return {
        kind: 'loss',
        flows: { ...(l.flows?.from ? { from: l.flows.from } : {}), ...(l.flows?.to ? { to: l.flows.to } : {}) },
        phase: l.phase,
        ...(l['max-loss'] !== undefined ? { maxLossMs: durationMs(l['max-loss']) } : {}),
        ...(l['max-outage'] !== undefined ? { maxOutageMs: durationMs(l['max-outage']) } : {}),
        ...(l.zero ? { zero: true } : {}),
      };
    }
    if (e.state) return this.state(e.state, path, steps);
    if (e.path) {
      const p = e.path;
      if (!p.via && !p['not-via'] && !p['active-active'])
        this.fail('a path expectation needs via, not-via or active-active', path);
      if ((p.phase === undefined) === (p.at === undefined))
        this.fail('a path expectation needs phase or at, not both', path);
      if (p.at) this.markNamed(p.at, steps, [...path, 'at']);
      if (p.window !== undefined && !p.at) this.fail('window goes with at', [...path, 'window']);
      const metro = p['active-active'];
      const interconnects = this.model.interconnects.filter((ic) => ic.metro === metro);
      if (metro && interconnects.length < 2)
        this.fail(`active-active needs a metro with two or more interconnects; metros: ${this.metros()}`, [
          ...path,
          'active-active',
        ]);
      return {
        kind: 'path',
        window: p.at ? { mark: p.at, ms: durationMs(p.window ?? 1) } : { phase: p.phase! },
        ...(p.via ? { via: this.pathTarget(p.via, [...path, 'via']) } : {}),
        ...(p['not-via'] ? { notVia: this.pathTarget(p['not-via'], [...path, 'not-via']) } : {}),
        ...(metro
          ? { activeActive: { metro, interconnects: interconnects.map((ic) => this.pathTarget(ic.id, path)) } }
          : {}),
      };
    }
    if (e.restore) {
      const r = e.restore;
      if (r.within === undefined && r['max-second-outage'] === undefined)
        this.fail('a restore expectation needs within or max-second-outage', path);
      if (r.within !== undefined && !steps.some((s) => s.kind === 'wait' && s.until === 'restored'))
        this.fail('restore.within is measured by a "wait: restored" step, and the scenario has none', [
          ...path,
          'within',
        ]);
      return {
        kind: 'restore',
        ...(r.within !== undefined ? { withinMs: durationMs(r.within) } : {}),
        ...(r['max-second-outage'] !== undefined ? { maxSecondOutageMs: durationMs(r['max-second-outage']) } : {}),
      };
    }
    const c = e.count!;
    if (c.node) this.router(c.node, [...path, 'node']);
    return {
      kind: 'count',
      event: c.event,
      ...(c.node ? { node: c.node } : {}),
      ...(c.min !== undefined ? { min: c.min } : {}),
      ...(c.max !== undefined ? { max: c.max } : {}),
    };
  }

  private state(s: NonNullable<ExpectationFile['state']>, path: PropertyKey[], steps: Step[]): ExpectationBody {
    this.markNamed(s.at, steps, [...path, 'at']);
    this.router(s.node, [...path, 'node']);
    if ((s.bgp || s.bfd || s.routes) && !s.session)
      this.fail('bgp, bfd and routes are about a session: name it with "session"', path);
    if (s['members-active'] !== undefined && !s.lag) this.fail('members-active needs "lag"', path);
    if ((s.accepted || s.rejected) && this.model.nodes.find((n) => n.name === s.node)?.daemon !== 'frr')
      this.fail('accepted and rejected are read from the BGP table of an FRR router', [...path, 'node']);
    if (s.rejected && this.model.nodes.find((n) => n.name === s.node)?.role !== 'edge-router')
      this.fail("rejected is the Microsoft edge's import policy: name an edge router", [...path, 'node']);
    for (const key of ['accepted', 'rejected'] as const)
      s[key]?.forEach((prefix, j) => {
        if (!this.model.peer.prefixes.some((p) => p.prefix === prefix))
          this.fail(
            `"${prefix}" is not a prefix of the peer; its prefixes: ${this.model.peer.prefixes.map((p) => p.prefix).join(', ')}`,
            [...path, key, j],
          );
      });
    return {
      kind: 'state',
      at: s.at,
      node: s.node,
      ...(s.session ? { session: this.session(s.node, s.session, [...path, 'session']) } : {}),
      ...(s.bgp ? { bgp: s.bgp } : {}),
      ...(s.bfd ? { bfd: s.bfd } : {}),
      ...(s.routes ? { routes: s.routes } : {}),
      ...(s.lag ? { lag: this.lag(s.node, s.lag, [...path, 'lag']) } : {}),
      ...(s['members-active'] !== undefined ? { membersActive: s['members-active'] } : {}),
      ...(s.accepted ? { accepted: s.accepted } : {}),
      ...(s.rejected
        ? { rejected: s.rejected.map((prefix) => ({ prefix, rules: rejectionReasons(this.model, s.node, prefix) })) }
        : {}),
    };
  }

  private markNamed(name: string, steps: Step[], path: PropertyKey[]): void {
    const marks = steps.flatMap((st) => (st.kind === 'mark' ? [st.name] : []));
    if (!marks.includes(name)) this.fail(`no mark step named "${name}"; marks: ${marks.join(', ') || '(none)'}`, path);
  }

  /** The neighbor address `node` has for a session named by interconnect id or by address. */
  private session(node: string, name: string, path: PropertyKey[]): { address: string; label: string } {
    const ic = this.model.interconnects.find((i) => i.id === name);
    if (ic) {
      if (ic.peerRouter === node) return { address: hostPart(ic.edgeAddress), label: name };
      if (ic.edgeRouter === node) return { address: hostPart(ic.peerAddress), label: name };
      this.fail(`interconnect ${name} joins ${ic.peerRouter} and ${ic.edgeRouter}, not ${node}`, path);
    }
    const mine = this.model.sessions.flatMap((s) =>
      s.a.node === node ? [hostPart(s.b.address)] : s.b.node === node ? [hostPart(s.a.address)] : [],
    );
    if (!mine.includes(name))
      this.fail(
        `${node} has no session "${name}"; its interconnects: ${this.interconnectsOf(node).join(', ') || '(none)'}; its neighbors: ${mine.join(', ')}`,
        path,
      );
    return { address: name, label: name };
  }

  private lag(node: string, name: string, path: PropertyKey[]): { iface: string; label: string } {
    const ic = this.model.interconnects.find((i) => i.id === name && (i.peerRouter === node || i.edgeRouter === node));
    if (!ic)
      this.fail(`${node} has no LAG "${name}"; its interconnects: ${this.interconnectsOf(node).join(', ')}`, path);
    return { iface: ic.lag.interface, label: name };
  }

  private pathTarget(name: string, path: PropertyKey[]): PathTarget {
    const ic = this.model.interconnects.find((i) => i.id === name);
    if (ic) return { label: name, ports: [{ node: ic.peerRouter, iface: ic.lag.interface }] };
    if (name.startsWith('metro:')) {
      const site = this.model.interconnects.filter((i) => `metro:${i.metro}` === name);
      if (site.length) return { label: name, ports: site.map((i) => ({ node: i.peerRouter, iface: i.lag.interface })) };
    }
    const transit = this.model.transit?.node;
    if (name === 'transit' && transit) {
      // The transit's links toward the peer's side: what the peer sends to or gets from the internet.
      const ports = this.model.links.flatMap((l) =>
        [
          [l.a, l.b],
          [l.b, l.a],
        ].flatMap(([mine, other]) =>
          mine!.node === transit && this.model.nodes.find((n) => n.name === other!.node)?.side === 'peer'
            ? [{ node: transit, iface: mine!.interface }]
            : [],
        ),
      );
      return { label: name, ports };
    }
    // No transit: the path exists in no lab, so "via transit" fails on the wire rather than at load.
    if (name === 'transit') return { label: 'transit (the topology has none)', ports: [] };
    this.fail(
      `unknown path "${name}"; an interconnect (${this.model.interconnects.map((i) => i.id).join(', ')}), metro:<name> (${this.metros()})${transit ? ' or transit' : ''}`,
      path,
    );
  }

  private router(node: string, path: PropertyKey[]): void {
    if (!this.model.nodes.some((n) => n.name === node && n.role !== 'host'))
      this.fail(
        `unknown router "${node}"; routers: ${this.model.nodes
          .filter((n) => n.role !== 'host')
          .map((n) => n.name)
          .join(', ')}`,
        path,
      );
  }

  private interconnectsOf(node: string): string[] {
    return this.model.interconnects.filter((i) => i.peerRouter === node || i.edgeRouter === node).map((i) => i.id);
  }

  private hosts(): string {
    return this.model.nodes
      .filter((n) => n.role === 'host')
      .map((n) => n.name)
      .join(', ');
  }

  private metros(): string {
    return [...new Set(this.model.interconnects.map((i) => i.metro))].join(', ');
  }
}
