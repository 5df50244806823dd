import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DaemonStart } from '../daemons/types.js';
import { EnvironmentError, InputError, LabError } from '../errors.js';
import { renderLab, renderNode } from '../render/render.js';
import { checkLabName, labDir, nodeHostDir } from '../runtime/identity.js';
import type { Runtime } from '../runtime/types.js';
import type { LabModel, LabNode } from '../topology/model.js';
import { parserRefused } from '../topology/partner.js';
import { hostCodename } from '../util/host.js';
import { runCommand, type Runner } from '../util/run.js';
import { BfdGate } from './bfd-gate.js';
import { ReadinessError } from './readiness.js';
import { waitConverged, waitLagsNegotiated } from './converge.js';
import { tearDownLab } from './down.js';
import { imageTagOf, suiteOf, validateInImage } from './image.js';
import { writeConfigFiles } from '../daemons/validate.js';
import { Lab } from './lab.js';
import { bondsOf, type LagDriver } from './lag/types.js';
import { writeLabState } from './state.js';
import { hostCommands, hostWiringBatch, nodeWiringCommands, setupSteps } from './wire.js';

export interface UpOptions {
  name?: string;
  runtime: Runtime;
  lag: LagDriver;
  /** Called as each phase starts, for progress output. */
  progress?: (phase: string) => void;
  signal?: AbortSignal;
  /** How long to wait for convergence (ms). */
  timeoutMs?: number;
  /** Leave a lab that failed to converge running, for inspection. */
  keep?: boolean;
  /**
   * Return a lab that did not converge in time instead of failing (with `lab.notConverged` saying what
   * was not ready): certify judges what such a lab shows, e.g. an edge holding a session without BFD.
   */
  acceptUnconverged?: boolean;
  /**
   * When the lab counts as up (its wait strategy): every LAG, BFD and BGP session and the hosts' reachability
   * as the model expects them, by default. A sandbox reads its own.
   */
  wait?: (lab: Lab, options: { timeoutMs: number; signal?: AbortSignal }) => Promise<unknown>;
  run?: Runner;
}

/** Create every node, wire the links, bond the LAGs and start the daemons. Tears down what it made if any step fails. */
export async function startLab(model: LabModel, options: UpOptions): Promise<Lab> {
  const name = checkLabName(options.name ?? model.name);
  const { runtime } = options;
  if ((await runtime.listLabs()).includes(name)) {
    throw new InputError(`lab "${name}" already exists; remove it with: peerlab down ${name}`);
  }
  const lab = new Lab(name, model, runtime, options.lag, () => tearDownLab(name, runtime));
  const step = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    options.signal?.throwIfAborted();
    options.progress?.(phase);
    return work();
  };
  await step('checking daemon versions', () => checkVersions(lab));
  try {
    await step('writing configs', () => writeConfigs(lab));
    await step('creating nodes', () =>
      eachNode(model.nodes, (n) => runtime.createNode(name, n, nodeHostDir(name, n.name), imageTagOf(suiteOf(n)))),
    );
    await step('wiring links', () => wire(lab, options.run ?? runCommand));
    await step('bonding LAGs', () => eachNode(model.nodes, (n) => wireAndBond(lab, n, options.signal)));
    // Links come up before routing: a BFD session that starts on an unnegotiated LAG fails,
    // and BIRD then holds BGP down for its error wait time.
    const hasLags = model.nodes.some((n) => bondsOf(n.interfaces).length > 0);
    if (hasLags)
      await step('negotiating LACP', () =>
        // Every node starts its LAG daemons at once: on a small machine a big lab needs longer (measured: 46
        // docker nodes on 2 cores did not negotiate within 60 s).
        waitLagsNegotiated(lab, {
          timeoutMs: 60_000 + 2_000 * model.nodes.length,
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
    await step("applying the partners' packet filters and traffic control", () =>
      eachNode(model.nodes, (n) => applyPartnerNetwork(lab, n)),
    );
    await step('starting routing daemons', () => eachNode(model.nodes, (n) => startDaemons(lab, n, options.signal)));
    if (model.bfdGate) {
      const gate = new BfdGate(lab);
      gate.start();
      lab.onDown(() => gate.stop());
      lab.gate = gate;
    }
  } catch (error) {
    return failed(lab, error, options.signal);
  }
  try {
    await step('waiting for LACP, BFD, BGP and reachability', () =>
      (options.wait ?? waitConverged)(lab, {
        timeoutMs: options.timeoutMs ?? 180_000,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
  } catch (error) {
    if (options.acceptUnconverged && error instanceof ReadinessError && !options.signal?.aborted) {
      lab.notConverged = error.message;
      return lab;
    }
    if (!options.keep || options.signal?.aborted) return failed(lab, error, options.signal);
    throw error;
  }
  return lab;
}

/**
 * The same work on every node at once; when one fails (a Ctrl-C kills the command it runs), the others are
 * let finish first, so the removal that follows never races a node still starting daemons.
 */
async function eachNode<T>(nodes: readonly LabNode[], work: (n: LabNode) => Promise<T>): Promise<T[]> {
  const settled = await Promise.allSettled(nodes.map(work));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/**
 * A lab that could not come up is removed. A step that failed because the user's signal killed its child
 * (`Command was killed with SIGINT`) is an interruption, not a failed command; a removal that fails too is
 * said with both errors, and how to finish it.
 */
async function failed(lab: Lab, error: unknown, signal: AbortSignal | undefined): Promise<never> {
  const thrown = signal?.aborted ? (signal.reason as unknown) : error;
  await lab.down().catch((removal: unknown) => {
    const text = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new LabError(
      `lab ${lab.name} did not come up (${text(thrown)}), and removing what it made failed too (${text(removal)}); peerlab down --all removes the rest`,
      { cause: new AggregateError([thrown, removal], 'the failure, then the removal') },
    );
  });
  throw thrown;
}

/**
 * Before anything is created: every router's daemon version can run here (the netns runtime runs the
 * host's daemons), and a partner config for a version the host does not have is parsed by that
 * version's own parser, in its image.
 */
async function checkVersions(lab: Lab): Promise<void> {
  const host = hostCodename();
  for (const node of lab.model.nodes) {
    if (!node.daemon) continue;
    const suite = suiteOf(node);
    if (suite === host) continue;
    const driver = lab.daemon(node.name);
    const version = node.version ?? driver.defaultVersion;
    const engine = lab.runtime.images;
    if (lab.runtime.usesHostDaemons || !engine)
      throw new EnvironmentError(
        `${node.name} runs ${driver.name} ${version} (Debian ${suite}); the ${lab.runtime.kind} runtime runs this host's daemons (Debian ${host ?? 'unknown'}): use --runtime docker`,
      );
    if (!node.config) continue;
    const config = renderNode(lab.model, node);
    const parsed = await validateInImage(lab.name, config, suite, engine);
    if (!parsed.ok) throw parserRefused(driver.name, parsed, node.config.file);
  }
}

async function writeConfigs(lab: Lab): Promise<void> {
  await writeLabState({
    name: lab.name,
    runtime: lab.runtime.kind,
    lagDriver: lab.lag.kind,
    createdAt: new Date().toISOString(),
    model: lab.model,
  });
  for (const node of lab.model.nodes) await mkdir(join(nodeHostDir(lab.name, node.name), 'run'), { recursive: true });
  for (const config of renderLab(lab.model)) await writeConfigFiles(nodeHostDir(lab.name, config.node), config);
  for (const node of lab.model.nodes)
    if (node.nftables) await writeFile(join(nodeHostDir(lab.name, node.name), partnerRuleset), node.nftables.text);
  await writeFile(join(labDir(lab.name), '.keep'), '');
}

async function wire(lab: Lab, run: Runner): Promise<void> {
  const targets = new Map<string, string>();
  for (const node of lab.model.nodes) targets.set(node.name, await lab.runtime.netnsTarget(lab.name, node.name));
  await run(['ip', '-batch', '-'], { input: `${hostWiringBatch(lab.model, targets)}\n` });
}

/** A node's setup commands in order, its runs of `ip` commands each as one `ip -batch` from the node's folder. */
async function runAll(
  lab: Lab,
  node: string,
  commands: string[][],
  purpose = 'setup',
  signal?: AbortSignal,
): Promise<void> {
  let batches = 0;
  for (const step of setupSteps(commands)) {
    // After a Ctrl-C, nothing new starts: what is running finishes, then the lab is removed.
    signal?.throwIfAborted();
    if ('argv' in step) {
      await lab.exec(node, step.argv);
      continue;
    }
    const file = `${purpose}-${++batches}.ip`;
    await writeFile(join(nodeHostDir(lab.name, node), file), step.batch);
    await lab.exec(node, ['ip', '-batch', `${lab.dirs(node).dir}/${file}`]);
  }
}

async function wireAndBond(lab: Lab, node: LabNode, signal?: AbortSignal): Promise<void> {
  const own =
    node.role === 'host' ? hostCommands(node) : lab.lag.setup(bondsOf(node.interfaces), lab.dirs(node.name).run);
  await runAll(lab, node.name, [...nodeWiringCommands(lab.model, node.name), ...own], 'wiring', signal);
}

const partnerRuleset = 'nftables.conf';

/** A partner router's own packet filter and traffic control, in its namespace, as its box would run them. */
async function applyPartnerNetwork(lab: Lab, node: LabNode): Promise<void> {
  if (node.nftables) {
    await lab.exec(node.name, ['nft', '-f', `${lab.dirs(node.name).dir}/${partnerRuleset}`]);
    // A partner's ruleset may start with `flush ruleset`, as most do: the LAG driver puts back what it removed.
    for (const argv of lab.lag.afterFilters?.(bondsOf(node.interfaces), lab.dirs(node.name).run) ?? [])
      await lab.exec(node.name, argv);
  }
  for (const argv of node.tc ?? []) await lab.exec(node.name, ['tc', ...argv]);
}

/** The driver's start commands, then (when it has a readiness check) a poll until the daemons answer, then the config. */
async function startDaemons(lab: Lab, node: LabNode, signal?: AbortSignal): Promise<void> {
  if (node.role === 'host') return;
  const driver = lab.daemon(node.name);
  const start = driver.start(lab.dirs(node.name));
  await runAll(lab, node.name, start.commands, 'start', signal);
  if (start.ready) await waitReady(lab, node.name, driver.name, start.ready);
  await runAll(lab, node.name, start.apply ?? [], 'apply', signal);
}

async function waitReady(
  lab: Lab,
  node: string,
  daemon: string,
  ready: NonNullable<DaemonStart['ready']>,
  attempts = 50,
): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const probe = await lab.exec(node, ready.command, { allowFailure: true });
    if (probe.exitCode === 0 && ready.ok(probe.stdout)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new LabError(`${node}: ${daemon} did not answer ${ready.command.join(' ')} within ${attempts * 100} ms`);
}
