import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { restartCommands, type DaemonDriver, type NodeAccess, type NodeDirs, type Suite } from '../types.js';
import { answerOf, sessionsOf, type Answer } from '../answer.js';
import { inspectFrr } from './inspect.js';
import {
  communitiesFrom,
  parseFrrBfdPeers,
  parseFrrBgpSummary,
  parseFrrPrefixLimits,
  parseFrrOpenError,
  parseFrrBfdConfigured,
  parseFrrResetReason,
  parseReceivedRoutes,
  routeKeys,
  routePaths,
} from './parse.js';
import { renderFrr } from './render/index.js';
import { frrQuery } from './socket.js';
import { when } from '../../util/fs-errors.js';

const allDaemons = ['mgmtd', 'zebra', 'bgpd', 'bfdd', 'staticd'] as const;
type Daemon = (typeof allDaemons)[number];
const crashLogDir = '/var/tmp/frr';
const daemonFolder = new RegExp(`^(${allDaemons.join('|')})\\.\\d+$`);

/**
 * What differs between the FRR versions peerlab runs: FRR 9 and later configure staticd through mgmtd,
 * which must start first, and neither takes a config file (-f).
 */
const profiles = {
  '8.4': { suite: 'bookworm', daemons: ['zebra', 'bgpd', 'bfdd', 'staticd'], noConfigFile: [] },
  '10.3': {
    suite: 'trixie',
    daemons: ['mgmtd', 'zebra', 'bgpd', 'bfdd', 'staticd'],
    noConfigFile: ['mgmtd', 'staticd'],
  },
} as const satisfies Record<string, { suite: Suite; daemons: readonly Daemon[]; noConfigFile: readonly Daemon[] }>;
type Version = keyof typeof profiles;

function vtysh(dirs: NodeDirs): string[] {
  return ['vtysh', ...(dirs.pathspace ? ['-N', dirs.pathspace] : [])];
}

/** /run, not /var/run: the image's /var/run is an absolute symlink, which the host cannot follow into a container. */
function runDir(dirs: NodeDirs): string {
  return dirs.pathspace ? `/run/frr/${dirs.pathspace}` : '/run/frr';
}

/**
 * Start one daemon. In a container (no pathspace) its standard streams go to a log file in its run folder,
 * shown when the start fails: FRR 10's daemons keep the starting process's stdout and stderr open once
 * detached, and `docker exec` waits 2 s for them at every start (18 s per FRR 10.3 router, 0.2 s this way).
 * On the netns runtime (a pathspace) it starts in a session of its own: a Ctrl-C to peerlab's process group
 * must not kill it between creating its crash-log folder and detaching (the folder, under the host's
 * /var/tmp/frr, would outlive the lab); it detaches, and the lab's removal stops it cleanly.
 */
function daemonCommand(dirs: NodeDirs, daemon: Daemon, version: Version): string[] {
  const config = (profiles[version].noConfigFile as readonly Daemon[]).includes(daemon) ? [] : ['-f', '/dev/null'];
  const argv = [`/usr/lib/frr/${daemon}`, '-d', ...config, '-A', '127.0.0.1', '-P', '0', ...pathspace(dirs)];
  if (dirs.pathspace) return ['setsid', '-w', ...argv];
  return [
    'sh',
    '-c',
    '"$@" </dev/null >>"$0" 2>&1 || { rc=$?; cat "$0" >&2; exit $rc; }',
    `${runDir(dirs)}/${daemon}.log`,
    ...argv,
  ];
}

const pathspace = (dirs: NodeDirs) => (dirs.pathspace ? ['-N', dirs.pathspace] : []);
const apply = (dirs: NodeDirs) => [...vtysh(dirs), '-f', `${dirs.dir}/frr.conf`];
/**
 * SIGKILL a daemon by its pid file, and remove the crash-log folder FRR keeps for it (named by its pid
 * before it daemonized; it holds a logbuf.<tid> per thread, the main one's tid its pid): FRR removes it
 * itself only on a clean exit, and on the netns runtime /var/tmp is the host's, so a daemon a fault killed
 * (daemon-crash, router-kill) would leave it behind after `down`, which only knows the pids still running.
 * The folder and pid file names are fixed; nothing of the user's reaches the script.
 */
const pkill = (dirs: NodeDirs, daemon: Daemon) => [
  'sh',
  '-c',
  'pid=$(cat "$1") && kill -KILL "$pid" || exit 1; for d in "$2/$3".*; do if [ -e "$d/logbuf.$pid" ]; then rm -rf "$d"; fi; done',
  'pkill',
  `${runDir(dirs)}/${daemon}.pid`,
  crashLogDir,
  daemon,
];

const configure = (asn: number) => ['-c', 'configure terminal', '-c', `router bgp ${asn}`];

/** One command to one FRR daemon: its vty socket when the host sees it, else vtysh in the node. */
function ask(node: NodeAccess, daemon: 'bgpd' | 'bfdd', command: string): Promise<Answer> {
  if (node.hostPath) return answerOf(frrQuery(node.hostPath(`${runDir(node.dirs)}/${daemon}.vty`), command));
  return answerOf(node.exec([...vtysh(node.dirs), '-c', command]));
}

const query = async (node: NodeAccess, daemon: 'bgpd' | 'bfdd', command: string) =>
  (await ask(node, daemon, command)).text;

/**
 * FRR: zebra, bgpd, bfdd and staticd (and mgmtd from FRR 9 on), started with an empty config; the
 * rendered or the partner's frr.conf is applied through vtysh.
 */
function frrDriver(version: Version): DaemonDriver {
  const daemons = profiles[version].daemons;
  const driver: DaemonDriver = {
    name: 'frr',
    description: `FRRouting ${version} (${daemons.join(', ')})`,
    configFile: 'frr.conf',
    versions: Object.fromEntries(Object.entries(profiles).map(([v, p]) => [v, { suite: p.suite }])),
    defaultVersion: '8.4',
    version,
    forVersion: (v) => frrDriver(v as Version),
    packages: ['frr'],
    render: renderFrr,
    validator: {
      command: (file) => ['vtysh', '--dryrun', '-f', file],
      package: 'frr',
      locate: (output) => ((m) => (m ? { line: Number(m[1]), column: 1 } : undefined))(output.match(/^line (\d+): /m)),
    },
    cli: { name: 'vtysh', command: vtysh },
    inspect: inspectFrr,
    start: (dirs) => ({
      commands: [
        ['mkdir', '-p', runDir(dirs)],
        ['chown', 'frr:frr', runDir(dirs)],
        ...daemons.map((d) => daemonCommand(dirs, d, version)),
      ],
      ready: { command: [...vtysh(dirs), '-c', 'show daemons'], ok: (out) => /bgpd/.test(out) && /bfdd/.test(out) },
      apply: [apply(dirs)],
    }),
    kill: (dirs) => daemons.map((d) => pkill(dirs, d)),
    restart: (dirs) => restartCommands(driver.start(dirs)),
    crashBgp: (dirs) => ({
      apply: [pkill(dirs, 'bgpd')],
      revert: [daemonCommand(dirs, 'bgpd', version), ['sleep', '1'], apply(dirs)],
    }),
    pidFile: (dirs) => `${runDir(dirs)}/zebra.pid`,
    // FRR keeps a crash-log folder per daemon process, /var/tmp/frr/<daemon>.<pid>, whatever the pathspace.
    hostPaths: ({ pathspace, pids }) => [
      runDir({ dir: '', run: '', pathspace }),
      ...pids.flatMap((pid) => allDaemons.map((d) => `${crashLogDir}/${d}.${pid}`)),
    ],
    orphans: async () =>
      (await readdir(crashLogDir).catch(when(['ENOENT'], [] as string[])))
        .filter((f) => daemonFolder.test(f) && !existsSync(`/proc/${f.split('.')[1]}`))
        .map((f) => `${crashLogDir}/${f}`),
    async readSessions(node) {
      const [bgp, bfd] = await Promise.all([
        ask(node, 'bgpd', 'show bgp summary json'),
        ask(node, 'bfdd', 'show bfd peers json'),
      ]);
      return sessionsOf(bgp, bfd, { bgp: parseFrrBgpSummary, bfd: parseFrrBfdPeers });
    },
    prefixLimits: async (node, peer) =>
      parseFrrPrefixLimits(await query(node, 'bgpd', `show bgp neighbors ${peer} json`), peer),
    // The summary has no reason in FRR 8.4; the neighbor's own view does.
    downReason: async (node, peer) =>
      parseFrrResetReason(await query(node, 'bgpd', `show bgp neighbors ${peer} json`), peer),
    refusal: async (node, peer) =>
      parseFrrOpenError(await query(node, 'bgpd', `show bgp neighbors ${peer} json`), peer),
    bfdConfigured: async (node, peer) =>
      parseFrrBfdConfigured(await query(node, 'bgpd', `show bgp neighbors ${peer} json`), peer),
    routes: {
      table: async (node) => routePaths(await query(node, 'bgpd', 'show bgp ipv4 unicast json')),
      // Needs soft-reconfiguration inbound on the session (the rendered edge sessions keep what they filter).
      received: async (node, peer) =>
        routeKeys(
          await query(node, 'bgpd', `show bgp ipv4 unicast neighbors ${peer} received-routes json`),
          'receivedRoutes',
        ),
      fromNeighbor: async (node, peer) => {
        const [received, accepted] = await Promise.all([
          query(node, 'bgpd', `show bgp ipv4 unicast neighbors ${peer} received-routes json`),
          query(node, 'bgpd', `show bgp ipv4 unicast neighbors ${peer} routes json`),
        ]);
        const kept = new Set(routeKeys(accepted, 'routes'));
        // The adj-RIB-in keeps path, origin and MED of every route; communities only from the accepted path.
        return Promise.all(
          parseReceivedRoutes(received).map(async (route) => {
            if (!kept.has(route.prefix)) return { ...route, accepted: false };
            const detail = await query(node, 'bgpd', `show bgp ipv4 unicast ${route.prefix} json`);
            return { ...route, accepted: true, communities: communitiesFrom(detail, peer) };
          }),
        );
      },
    },
    gate: {
      hold: (dirs, asn, address) => [[...vtysh(dirs), ...configure(asn), '-c', `neighbor ${address} shutdown`]],
      release: (dirs, asn, address) => [[...vtysh(dirs), ...configure(asn), '-c', `no neighbor ${address} shutdown`]],
    },
    originate: (dirs, asn, prefixes) => ({
      apply: [
        [
          ...vtysh(dirs),
          '-c',
          'configure terminal',
          ...prefixes.flatMap((p) => ['-c', `ip route ${p} blackhole`]),
          ...configure(asn).slice(2),
          '-c',
          'address-family ipv4 unicast',
          ...prefixes.flatMap((p) => ['-c', `network ${p}`]),
        ],
      ],
      revert: [
        [
          ...vtysh(dirs),
          ...configure(asn),
          '-c',
          'address-family ipv4 unicast',
          ...prefixes.flatMap((p) => ['-c', `no network ${p}`]),
          '-c',
          'exit-address-family',
          '-c',
          'exit',
          ...prefixes.flatMap((p) => ['-c', `no ip route ${p} blackhole`]),
        ],
      ],
    }),
    evidence: {
      bfd: /^\s*neighbor \S+ bfd$/,
      community: (c) => new RegExp(`set community .*${c}`),
      multipath: /maximum-paths ibgp/,
      maxPrefixValue: /^\s*neighbor \S+ maximum-prefix (\d+)/,
    },
  };
  return driver;
}

export const frr = frrDriver('8.4');
