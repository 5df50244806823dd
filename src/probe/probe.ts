import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { LabError } from '../errors.js';
import { systemPath } from '../util/run.js';
import type { Lab } from '../lab/lab.js';
import { agentMarker, labDir } from '../runtime/identity.js';
import { monotonicMs } from '../util/clock.js';
import type { AgentConfig } from './agent.js';
import { analyzeFlow, type FlowStats, type Phase } from './analyze.js';
import { probePort, type FlowPlan } from './flows.js';
import { readAgentResult, type AgentResult, type Received } from './records.js';

export interface ProbeOptions {
  payloadBytes?: number;
  /** How often each flow asks for an echo (round-trip time samples), ms. */
  echoIntervalMs?: number;
  /** How long receivers keep listening after senders stop, ms. */
  drainMs?: number;
}

/** What every agent sent and received; `analyze` turns it into figures per flow. */
export interface ProbeCapture {
  flows: FlowPlan[];
  startedAt: number;
  stoppedAt: number;
  results: AgentResult[];
}

/** Probe traffic that is running; stop it for the capture. Disposing it stops the agents, nothing left behind. */
export interface RunningProbe extends AsyncDisposable {
  flows: FlowPlan[];
  startedAt: number;
  stop(): Promise<ProbeCapture>;
}

/**
 * The agent runs as its own node process: compiled (`dist/probe/agent.js`, the package), or from the
 * TypeScript sources through tsx when peerlab itself runs from them (tests, `npm run peerlab`).
 */
const fromSources = import.meta.url.endsWith('.ts');
const agentArgs = () =>
  fromSources
    ? ['--import', import.meta.resolve('tsx'), new URL('./agent.ts', import.meta.url).pathname]
    : [new URL('./agent.js', import.meta.url).pathname];

interface Agent {
  node: string;
  out: string;
  process: ResultPromise<{ stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; reject: false }>;
  lines: AsyncIterator<string>;
}

/** Where agents run: a lab, or any set of namespaces (the probe's own baseline). */
export interface ProbeHosts {
  name: string;
  netnsPath(node: string): Promise<string>;
  /** Host folder for the agents' result files. */
  dir: string;
}

export function labHosts(lab: Lab): ProbeHosts {
  return { name: lab.name, netnsPath: (node) => lab.runtime.netnsPath(lab.name, node), dir: labDir(lab.name) };
}

/** Start an agent in every host the flows touch, then start all senders together. */
export async function startProbe(
  hosts: ProbeHosts,
  flows: FlowPlan[],
  options: ProbeOptions = {},
): Promise<RunningProbe> {
  const dir = join(hosts.dir, `probe-${process.pid}-${Math.round(monotonicMs())}`);
  await mkdir(dir, { recursive: true });
  const nodes = [...new Set(flows.flatMap((f) => [f.from, f.to]))];
  const agents: Agent[] = [];
  const killAll = async () => {
    for (const a of agents) a.process.kill('SIGKILL');
    await Promise.all(agents.map((a) => a.process));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const node of nodes) {
      const config: AgentConfig = {
        node,
        payloadBytes: options.payloadBytes ?? 64,
        listenPorts: flows.some((f) => f.to === node) ? [probePort] : [],
        flows: flows.filter((f) => f.from === node),
        echoIntervalMs: options.echoIntervalMs ?? 100,
        drainMs: options.drainMs ?? 1000,
        out: join(dir, `${node}.bin`),
      };
      agents.push(await spawnAgent(hosts, config));
    }
    for (const agent of agents) await expectLine(agent, 'ready');
  } catch (error) {
    await killAll();
    throw error;
  }
  const startedAt = monotonicMs();
  for (const agent of agents) agent.process.stdin.write('start\n');
  let stopping: Promise<ProbeCapture> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const stoppedAt = monotonicMs();
      try {
        for (const agent of agents) agent.process.stdin.write('stop\n');
        for (const agent of agents) await expectLine(agent, 'done');
        const results = await Promise.all(agents.map((a) => readAgentResult(a.out)));
        return { flows, startedAt, stoppedAt, results };
      } finally {
        await killAll();
      }
    })());
  return {
    flows,
    startedAt,
    stop,
    [Symbol.asyncDispose]: async () => void (await stop().catch(() => undefined)),
  };
}

async function spawnAgent(hosts: ProbeHosts, config: AgentConfig): Promise<Agent> {
  const netns = await hosts.netnsPath(config.node);
  const child = execa(
    'nsenter',
    [`--net=${netns}`, '--', process.execPath, ...agentArgs(), JSON.stringify(config), agentMarker(hosts.name)],
    { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', reject: false, env: { PATH: systemPath } },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { node: config.node, out: config.out, process: child, lines };
}

async function expectLine(agent: Agent, line: string, timeoutMs = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LabError('timeout')), timeoutMs);
  });
  try {
    const next = await Promise.race([agent.lines.next(), timeout]);
    if (next.done || next.value !== line) throw new LabError(next.done ? 'exited' : `said "${next.value}"`);
  } catch (cause) {
    agent.process.kill('SIGKILL');
    const { stderr } = await agent.process;
    throw new LabError(
      `probe agent on ${agent.node} did not answer "${line}" (${(cause as Error).message}): ${String(stderr).trim()}`,
      { cause },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Figures for every flow of a capture, latency split by `phases`, the first `warmupMs` of each flow left out. */
export function analyzeCapture(
  capture: ProbeCapture,
  phases: Phase[] = [],
  warmupMs = 0,
): (FlowStats & { plan: FlowPlan })[] {
  const byNode = new Map(capture.results.map((r) => [r.node, r]));
  const empty: Received = {
    count: 0,
    flow: new Uint16Array(),
    flags: new Uint8Array(),
    seq: new Uint32Array(),
    sentMs: new Float64Array(),
    recvMs: new Float64Array(),
  };
  return capture.flows.map((plan) => {
    const sender = byNode.get(plan.from);
    const sent = sender?.sent.find((s) => s.flow === plan.id) ?? {
      flow: plan.id,
      sent: 0,
      startMs: capture.startedAt,
      rate: plan.rate,
    };
    const stats = analyzeFlow(
      sent,
      byNode.get(plan.to)?.received ?? empty,
      sender?.received ?? empty,
      phases,
      Math.floor((warmupMs * sent.rate) / 1000),
    );
    return { ...stats, plan };
  });
}
