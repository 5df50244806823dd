import { existsSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import { tearDownLab } from '../../src/lab/down.js';
import type { Lab } from '../../src/lab/lab.js';
import { selectLagDriver } from '../../src/lab/lag/registry.js';
import { agentMarker, labDir } from '../../src/runtime/identity.js';
import { startLab } from '../../src/lab/up.js';
import { buildImagesFor } from '../../src/lab/image.js';
import { createRuntime } from '../../src/runtime/select.js';
import type { RuntimeKind } from '../../src/runtime/select.js';
import { loadTopology } from '../../src/topology/load.js';
import { runCommand } from '../../src/util/run.js';
import { daemonDrivers } from '../../src/daemons/registry.js';
import { recordedFaults } from '../../src/lab/fault-records.js';
import { nftTable } from '../../src/lab/lag/nft/names.js';

// What a killed earlier run left on the host (its processes gone) is not this test file's leak: the check
// below blames only what appeared since this file started. `peerlab down --all` removes the rest.
const vethNames = async () =>
  (await runCommand(['ip', '-o', 'link', 'show', 'type', 'veth'])).stdout
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0])
    .filter((n): n is string => !!n);
const atStart = Promise.all([vethNames(), daemonDrivers.frr.orphans?.() ?? []]).then(([veths, crashLogs]) => ({
  veths: new Set(veths),
  crashLogs: new Set(crashLogs),
}));

/** Bring a topology up as lab `name`; the test (when given; hooks tear down themselves) tears it down even when it fails. */
export async function labFor(
  t: ExecutionContext | undefined,
  file: string,
  name: string,
  runtime: RuntimeKind = 'docker',
  timeoutMs = 180_000,
): Promise<Lab> {
  const model = await loadTopology(file);
  if (runtime === 'docker') await buildImagesFor(model);
  // Test lab names are the tests' own: what a killed earlier run left under one is stale.
  if ((await leftovers(name, { daemons: false })).length) await tearDownLab(name, createRuntime(runtime));
  t?.teardown(() => tearDownLab(name, createRuntime(runtime)));
  return startLab(model, {
    name,
    runtime: createRuntime(runtime),
    lag: await selectLagDriver('auto'),
    timeoutMs,
  });
}

/**
 * Everything peerlab could have made for `lab` that is still there; empty when nothing leaked.
 * Routing daemons are looked for host-wide (container processes show there too), so pass
 * `daemons: false` while another lab is still meant to be running.
 */
export async function leftovers(lab: string, { daemons = true } = {}): Promise<string[]> {
  const found: string[] = [];
  for (const kind of ['docker', 'netns'] as const) {
    if ((await createRuntime(kind).listLabs()).includes(lab)) found.push(`${kind} resources`);
  }
  // Links are made straight in the nodes: no veth of any lab ever sits in the host's namespace.
  const before = await atStart;
  const veths = (await vethNames()).filter((v) => !before.veths.has(v));
  if (veths.length) found.push(`host veths: ${veths.join(', ')}`);
  if (existsSync(labDir(lab))) found.push(`state folder ${labDir(lab)}`);
  // pgrep exits 1 when nothing matches; 0 lists probe agents of this lab still running.
  const agents = await runCommand(['pgrep', '-f', '--', `${agentMarker(lab)}$`], { allowFailure: true });
  if (agents.exitCode !== 1)
    found.push(`probe agents (pgrep exit ${agents.exitCode}): ${agents.stdout}${agents.stderr}`);
  // FRR's crash-log folders (/var/tmp/frr/<daemon>.<pid>) of daemons that no longer run: a killed daemon's.
  const crashLogs = ((await daemonDrivers.frr.orphans?.()) ?? []).filter((f) => !before.crashLogs.has(f));
  if (crashLogs.length) found.push(`FRR crash-log folders of dead daemons: ${crashLogs.join(', ')}`);
  if (daemons) {
    // Exited daemons waiting for init to reap them (state Z) hold nothing; live ones are leaks.
    // A config parser run by another test (`bird -p`) has a daemon's name but is not one.
    const ps = await runCommand(['ps', '-eo', 'pid=,stat=,comm=,args=']);
    const live = ps.stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(
        ([, stat, comm, ...args]) =>
          !stat!.startsWith('Z') &&
          /^(zebra|bgpd|bfdd|staticd|mgmtd|bird|ovs-vswitchd|ovsdb-server)$/.test(comm ?? '') &&
          !args.includes('-p'),
      );
    if (live.length) found.push(`daemons: ${live.map((p) => `${p[2]}(${p[0]})`).join(', ')}`);
    // The LAG watchers and what they keep running (the nft driver's monitors and its nft and ip shells).
    const helpers = ps.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /carrier\.pid|ip -o monitor link|nft -i$|ip -force -batch -$|ovsdb-client .*monitor/.test(l))
      .filter((l) => !l.split(/\s+/)[1]!.startsWith('Z'));
    if (helpers.length) found.push(`LAG watchers: ${helpers.map((l) => l.split(/\s+/)[0]).join(', ')}`);
    // certify's control-plane captures (tcpdump in a node's namespace, writing into an output's captures/).
    const captures = ps.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /tcpdump .*\/captures\//.test(l) && !l.split(/\s+/)[1]!.startsWith('Z'));
    if (captures.length) found.push(`captures: ${captures.map((l) => l.split(/\s+/)[0]).join(', ')}`);
  }
  return found;
}

/** Remove labs a killed earlier run left under names this test is about to use (`prefix`*); returns their names. */
export async function removeStale(prefix: string): Promise<string[]> {
  const removed: string[] = [];
  for (const kind of ['docker', 'netns'] as const) {
    const runtime = createRuntime(kind);
    for (const lab of (await runtime.listLabs()).filter((l) => l.startsWith(prefix))) {
      await tearDownLab(lab, runtime);
      removed.push(lab);
    }
  }
  return removed;
}

type NodeExec = (node: string, argv: string[]) => Promise<{ stdout: string }>;

/**
 * What a reverted fault could still leave in a running lab: its record, an nftables table of its own in a
 * node (the nft LAG driver's is not a fault's), a netem qdisc. Empty when every fault was undone.
 */
export async function faultResidue(lab: string, nodes: string[], exec: NodeExec): Promise<string[]> {
  const found = (await recordedFaults(lab)).map((r) => `record of ${r.plan.kind} ${r.plan.target}`);
  for (const node of nodes) {
    const tables = (await exec(node, ['nft', 'list', 'tables'])).stdout
      .split('\n')
      .filter((l) => /peerlab_/.test(l) && !l.includes(nftTable));
    const qdiscs = (await exec(node, ['tc', 'qdisc', 'show'])).stdout.split('\n').filter((l) => / netem /.test(l));
    found.push(...[...tables, ...qdiscs].map((l) => `${node}: ${l.trim()}`));
  }
  return found;
}
