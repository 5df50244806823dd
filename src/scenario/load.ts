import { basename, dirname, relative, resolve } from 'node:path';
import { InputError, UnreadableFileError } from '../errors.js';
import { bindFault } from '../faults/plan.js';
import { specIds } from '../requirements/catalog.js';
import { hostPart } from '../topology/addresses.js';
import { loadTopology } from '../topology/load.js';
import type { Interconnect, LabModel } from '../topology/model.js';
import { parseWith, readYamlSource, type YamlSource } from '../util/yaml-source.js';
import { bindExpectation, type ExpectationFile } from './expectations/index.js';
import type { BindContext } from './expectations/types.js';
import type { Expectation, FaultSpec, PathTarget, Scenario, Step } from './model.js';
import { scenarioSchema, type StepFile } from './schema.js';
import { durationMs } from './values.js';

export interface LoadedScenario {
  scenario: Scenario;
  model: LabModel;
}

/** Read a scenario file, load its topology and bind every name. User mistakes are InputErrors at file:line:col. */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  const source = await readYamlSource(file);
  const parsed = parseWith(scenarioSchema, source);
  // path.resolve semantics: relative to the scenario's folder, an absolute path as it is.
  const topology = relative(process.cwd(), resolve(dirname(file), parsed.topology)) || parsed.topology;
  const model = await loadTopology(topology).catch((error: unknown) => {
    if (error instanceof UnreadableFileError && error.file === topology)
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
  bind.steps = steps;
  parsed.probe?.hosts?.forEach((h, i) => bind.host(h, ['probe', 'hosts', i]));
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
    expect: parsed.expect.map((e, i) => bind.expectation(e, i)),
  };
  return { scenario, model };
}

export { durationMs };

/** Longest hold, wait or period: a day (Node's timers overflow past 2^31 - 1 ms into 1 ms). */
const maxDurationMs = 86_400_000;

/** Binds names to the topology and steps; expectation kinds bind through it (BindContext). */
class Binder implements BindContext {
  /** Faults applied by the steps so far and not yet reverted: names are unique among them. */
  private active = new Set<string>();
  private marks = new Set<string>();
  steps: Step[] = [];

  constructor(
    private readonly source: YamlSource,
    readonly model: LabModel,
  ) {}

  fail(message: string, path: PropertyKey[]): never {
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
    if (s.wait !== undefined)
      return { kind: 'wait', until: s.wait, timeoutMs: this.duration(s.timeout ?? 150, [...path, 'timeout']) };
    if (s.hold !== undefined) return { kind: 'hold', ms: this.duration(s.hold, [...path, 'hold']) };
    if (s.mark !== undefined) {
      if (this.marks.has(s.mark))
        this.fail(`a mark named "${s.mark}" comes earlier; marks must be unique`, [...path, 'mark']);
      this.marks.add(s.mark);
      return { kind: 'mark', name: s.mark };
    }
    if (s.fault !== undefined) {
      const fault = this.fault(s.fault, [...path, 'fault']);
      const name = s.as ?? `${fault.kind} ${fault.target}`;
      if (this.active.has(name))
        this.fail(`a fault named "${name}" is already applied; revert it first, or name this one with "as:"`, [
          ...path,
          s.as === undefined ? 'fault' : 'as',
        ]);
      this.active.add(name);
      return { kind: 'fault', fault, name };
    }
    if (s.revert !== undefined) {
      if (s.revert === 'all') {
        if (!this.active.size) this.fail('"revert: all" with no fault applied before it', [...path, 'revert']);
        this.active.clear();
      } else if (!this.active.delete(s.revert))
        this.fail(
          `no fault named "${s.revert}" is applied before this step; use "all" or one of: ${[...this.active].join(', ') || '(none)'}`,
          [...path, 'revert'],
        );
      return { kind: 'revert', name: s.revert };
    }
    const periodMs = this.duration(s.period!, [...path, 'period']);
    const downMs = this.duration(s.down!, [...path, 'down']);
    if (downMs >= periodMs)
      this.fail(`each failure (down ${downMs} ms) must be shorter than the period (${periodMs} ms)`, [...path, 'down']);
    return { kind: 'flap', fault: this.fault(s.flap!, [...path, 'flap']), count: s.count!, periodMs, downMs };
  }

  private fault(f: NonNullable<StepFile['fault']>, path: PropertyKey[]): FaultSpec {
    if (typeof f === 'string') {
      const [kind = '', target, ...rest] = f.trim().split(/\s+/);
      if (!target || rest.length)
        this.fail(`a fault is written "<kind> <target>", such as "link-blackhole ams/ic1"; got "${f}"`, path);
      return this.at(path, () => bindFault(this.model, { kind, target, options: {} }));
    }
    const { kind, target, ...options } = f;
    try {
      return bindFault(this.model, { kind, target, options });
    } catch (error) {
      if (error instanceof InputError && error.field && error.field in options)
        this.fail(error.reason, [...path, error.field]);
      if (error instanceof InputError) this.fail(error.message, path);
      throw error;
    }
  }

  /** A duration in ms, within what a timer can hold and a lab run should take (a day). */
  private duration(value: number | string, path: PropertyKey[]): number {
    const ms = durationMs(value);
    if (!Number.isFinite(ms) || ms > maxDurationMs)
      this.fail(`a duration of at most 24h (${maxDurationMs} ms) is allowed; got ${ms} ms`, path);
    return ms;
  }

  expectation(e: ExpectationFile, i: number): Expectation {
    const kind = bindExpectation(e, ['expect', i], this);
    return {
      id: e.id ?? `${kind.kind}-${i + 1}`,
      covers: e.covers ?? [],
      position: this.source.positionOf(['expect', i]),
      ...kind,
    };
  }

  markNamed(name: string, path: PropertyKey[]): void {
    const marks = this.steps.flatMap((st) => (st.kind === 'mark' ? [st.name] : []));
    if (!marks.includes(name)) this.fail(`no mark step named "${name}"; marks: ${marks.join(', ') || '(none)'}`, path);
  }

  /** The neighbor address `node` has for a session named by interconnect id or by address. */
  session(node: string, name: string, path: PropertyKey[]): { address: string; label: string } {
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

  lag(node: string, name: string, path: PropertyKey[]): { iface: string; label: string } {
    const ic = this.model.interconnects.find((i) => i.id === name && (i.peerRouter === node || i.edgeRouter === node));
    if (!ic)
      this.fail(`${node} has no LAG "${name}"; its interconnects: ${this.interconnectsOf(node).join(', ')}`, path);
    return { iface: ic.lag.interface, label: name };
  }

  pathTarget(name: string, path: PropertyKey[]): PathTarget {
    const ic = this.model.interconnects.find((i) => i.id === name);
    const port = (i: Interconnect) => ({
      node: i.peerRouter,
      iface: i.lag.interface,
      far: { node: i.edgeRouter, iface: i.lag.interface },
    });
    if (ic) return { label: name, ports: [port(ic)] };
    if (name.startsWith('metro:')) {
      const site = this.model.interconnects.filter((i) => `metro:${i.metro}` === name);
      if (site.length) return { label: name, ports: site.map(port) };
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
            ? [{ node: transit, iface: mine!.interface, far: { node: other!.node, iface: other!.interface } }]
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

  router(node: string, path: PropertyKey[]): void {
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

  host(name: string, path: PropertyKey[]): void {
    const hosts = this.model.nodes.filter((n) => n.role === 'host').map((n) => n.name);
    if (!hosts.includes(name)) this.fail(`unknown host "${name}"; hosts: ${hosts.join(', ')}`, path);
  }

  metros(): string {
    return [...new Set(this.model.interconnects.map((i) => i.metro))].join(', ');
  }
}
