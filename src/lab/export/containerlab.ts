import { stringify } from 'yaml';
import { daemonOf } from '../../daemons/registry.js';
import type { NodeDirs } from '../../daemons/types.js';
import { renderNode } from '../../render/render.js';
import { labels } from '../../runtime/identity.js';
import { nodeSysctls } from '../../runtime/sysctls.js';
import type { LabModel, LabNode } from '../../topology/model.js';
import { imageTagOf, suiteOf } from '../image.js';
import { kernelLag } from '../lag/kernel/index.js';
import { bondsOf, type LagDriver } from '../lag/types.js';
import { hostCommands, interfaceCommands } from '../wire.js';

/** Where a node's files are inside its container: the same place the docker runtime binds them. */
const nodeDir = '/etc/peerlab';
const dirs: NodeDirs = { dir: nodeDir, run: `${nodeDir}/run` };
const startScript = 'start.sh';
const partnerRuleset = 'nftables.conf';

/** One file to write, relative to the export folder. */
export interface ExportFile {
  path: string;
  text: string;
  mode?: number;
}

/** POSIX shell quoting of one word: every command in start.sh comes from an argument array. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}
const line = (argv: readonly string[]) => argv.map(shellWord).join(' ');

/**
 * A node's start-up, as `peerlab up` runs it, for a container that containerlab creates: wait for the
 * links containerlab adds after the container starts, set addresses, bond the LAGs with the kernel driver
 * (containerlab hosts have bonding), wait for LACP, apply the partner's packet filter and traffic
 * control, start the routing daemons, then stay alive.
 */
export function startCommands(model: LabModel, node: LabNode, lag: LagDriver = kernelLag): string {
  const links = model.links.flatMap((l) => [l.a, l.b]).filter((e) => e.node === node.name);
  const bonds = bondsOf(node.interfaces);
  const out = [
    '#!/bin/sh',
    `# ${node.name} of peerlab lab ${model.name}: written by peerlab export containerlab; containerlab runs it as the node's cmd.`,
    'set -eu',
    `mkdir -p ${dirs.run}`,
    ...links.map(
      (e) =>
        `until ip link show ${shellWord(e.interface)} >/dev/null 2>&1; do sleep 0.2; done  # containerlab adds the link after start`,
    ),
    // Kernel settings come from the node's `sysctls:` (a container's /proc/sys is read-only).
    line(['ip', 'link', 'set', 'lo', 'up']),
    ...links.flatMap((e) => interfaceCommands(model, node.name, e.interface)).map(line),
  ];
  if (node.role === 'host') out.push(...hostCommands(node).map(line));
  else {
    out.push(...lag.setup(bonds, dirs.run).map(line));
    // Links before routing, as `peerlab up` does: BFD on an unnegotiated LAG fails, and BIRD then waits.
    for (const b of bonds)
      out.push(`i=0; until ${line(lag.negotiated(b, dirs.run))} || [ $i -ge 300 ]; do i=$((i+1)); sleep 0.2; done`);
    if (node.nftables) out.push(line(['nft', '-f', `${nodeDir}/${partnerRuleset}`]));
    for (const argv of node.tc ?? []) out.push(line(['tc', ...argv]));
    const start = daemonOf(node).start(dirs);
    out.push(...start.commands.map(line));
    if (start.ready)
      out.push(
        `i=0; until ${line(start.ready.command)} >/dev/null 2>&1 || [ $i -ge 100 ]; do i=$((i+1)); sleep 0.1; done`,
      );
    out.push(...(start.apply ?? []).map(line));
  }
  out.push('exec sleep infinity', '');
  return out.join('\n');
}

/** The `.clab.yml` for a lab, and every file its nodes bind, relative to the export folder. */
export function containerlabExport(model: LabModel, lag: LagDriver = kernelLag): ExportFile[] {
  const files: ExportFile[] = [];
  const nodes: Record<string, unknown> = {};
  for (const node of model.nodes) {
    if (node.role !== 'host') {
      const config = renderNode(model, node);
      for (const f of [{ path: config.file, text: config.text }, ...(config.includes ?? [])])
        files.push({ path: `${node.name}/${f.path}`, text: f.text });
    }
    if (node.nftables) files.push({ path: `${node.name}/${partnerRuleset}`, text: node.nftables.text });
    files.push({ path: `${node.name}/${startScript}`, text: startCommands(model, node, lag), mode: 0o755 });
    nodes[node.name] = {
      kind: 'linux',
      image: imageTagOf(suiteOf(node)),
      // Lab traffic stays in the lab: no management network, as peerlab's own containers.
      'network-mode': 'none',
      labels: { [labels.lab]: model.name, [labels.node]: node.name, [labels.role]: node.role },
      binds: [`${node.name}:${nodeDir}`],
      cmd: `sh ${nodeDir}/${startScript}`,
      sysctls: nodeSysctls(node),
      devices: ['/dev/net/tun'],
      'cap-add': ['NET_ADMIN', 'NET_RAW', 'SYS_ADMIN'],
    };
  }
  const clab = {
    name: model.name,
    topology: {
      nodes,
      links: model.links.map((l) => ({
        endpoints: [`${l.a.node}:${l.a.interface}`, `${l.b.node}:${l.b.interface}`],
      })),
    },
  };
  const header = [
    `# peerlab lab ${model.name} (${model.source}) for containerlab: containerlab deploy -t ${model.name}.clab.yml`,
    lag.kind === 'kernel'
      ? "# Kernel bonds (802.3ad, LACP fast) are made by each node's start.sh: the host needs the bonding module."
      : `# LAGs: ${lag.description}, made by each node's start.sh.`,
    '# Routers run the peerlab router image: build it there with `peerlab image build` (or save/load it).',
    '',
  ].join('\n');
  files.unshift({ path: `${model.name}.clab.yml`, text: header + stringify(clab, { lineWidth: 0 }) });
  return files;
}

/** The clabernetes form: a Topology resource whose definition holds the same containerlab file. */
export function clabernetesTopology(model: LabModel, clabYaml: string): ExportFile {
  const resource = {
    apiVersion: 'clabernetes.containerlab.dev/v1alpha1',
    kind: 'Topology',
    metadata: { name: model.name, labels: { [labels.lab]: model.name } },
    spec: { definition: { containerlab: clabYaml } },
  };
  return { path: `${model.name}.clabernetes.yaml`, text: stringify(resource, { lineWidth: 0 }) };
}
