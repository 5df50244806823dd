import type { DaemonDriver, DaemonVersion, NodeAccess, NodeDirs } from '../types.js';
import { answerOf, sessionsOf, type Answer } from '../answer.js';
import { birdIncludes, inspectBird } from './inspect.js';
import { parseBirdBfdSessions, parseBirdOpenError, parseBirdPrefixLimits, parseBirdProtocols } from './parse.js';
import { renderBird } from './render/index.js';
import { birdQuery } from './socket.js';

/** BIRD's control socket in a node (birdc -s): the driver's, and the sandbox stub's. */
export const birdSocket = (dirs: NodeDirs) => `${dirs.run}/bird.ctl`;
const socket = birdSocket;
const pidFile = (dirs: NodeDirs) => `${dirs.run}/bird.pid`;
const kill = (dirs: NodeDirs) => [['pkill', '-KILL', '-F', pidFile(dirs)]];

const versions: Record<string, DaemonVersion> = {
  '2.0': { suite: 'bookworm' },
  '2.17': { suite: 'trixie' },
  // Debian's bird3 conflicts with bird2: the trixie image unpacks it beside, into /opt/bird3.
  '3.1': { suite: 'trixie', unpack: { package: 'bird3', into: '/opt/bird3' } },
};
type Version = keyof typeof versions;

/** Where a version's binaries are: on the PATH, or in the folder its package was unpacked into. */
const binary = (version: Version, name: 'bird' | 'birdc') =>
  versions[version]?.unpack ? `${versions[version]!.unpack!.into}/usr/sbin/${name}` : name;

/** BIRD 2 and 3: one process for BGP and BFD, configured by bird.conf at start. */
function birdDriver(version: Version): DaemonDriver {
  const start = (dirs: NodeDirs) => [
    binary(version, 'bird'),
    '-c',
    `${dirs.dir}/bird.conf`,
    '-s',
    socket(dirs),
    '-P',
    pidFile(dirs),
  ];
  /** birdc pointed at the node's own BIRD. */
  const birdc = (dirs: NodeDirs) => [binary(version, 'birdc'), '-s', socket(dirs)];
  /** One command to BIRD: its control socket when the host sees it, else birdc in the node. */
  const ask = (node: NodeAccess, command: string): Promise<Answer> => {
    if (node.hostPath) return answerOf(birdQuery(node.hostPath(socket(node.dirs)), command));
    return answerOf(node.exec([...birdc(node.dirs), ...command.split(' ')]));
  };
  const query = async (node: NodeAccess, command: string) => (await ask(node, command)).text;
  /** One session's reading of `show protocols all`; undefined when BIRD does not answer. */
  const ofPeer = async <T>(node: NodeAccess, peer: string, parse: (text: string, peer: string) => T | undefined) => {
    const text = await query(node, 'show protocols all');
    return text === undefined ? undefined : parse(text, peer);
  };
  return {
    name: 'bird',
    description: `BIRD ${version} (BGP and BFD in one daemon)`,
    configFile: 'bird.conf',
    versions,
    defaultVersion: '2.0',
    version,
    forVersion: (v) => birdDriver(v as Version),
    packages: ['bird2'],
    render: renderBird,
    validator: {
      command: (file) => [binary(version, 'bird'), '-p', '-c', file],
      package: 'bird2',
      locate: (output) =>
        ((m) => (m ? { line: Number(m[1]), column: Number(m[2]) } : undefined))(output.match(/:(\d+):(\d+) /)),
    },
    cli: { name: 'birdc', command: birdc },
    inspect: inspectBird,
    includes: birdIncludes,
    start: (dirs) => ({ commands: [start(dirs)] }),
    kill,
    restart: (dirs) => [start(dirs)],
    crashBgp: (dirs) => ({ apply: kill(dirs), revert: [start(dirs)] }),
    pidFile,
    async readSessions(node) {
      const [protocols, bfd] = await Promise.all([ask(node, 'show protocols all'), ask(node, 'show bfd sessions')]);
      return sessionsOf(protocols, bfd, { bgp: parseBirdProtocols, bfd: parseBirdBfdSessions });
    },
    prefixLimits: (node, peer) => ofPeer(node, peer, parseBirdPrefixLimits),
    refusal: (node, peer) => ofPeer(node, peer, parseBirdOpenError),
    evidence: {
      bfd: /^\s*bfd\s*(\{|on\b|graceful\b)/,
      community: (c) => {
        const [asn, value] = c.split(':');
        return new RegExp(`bgp_community\\.add\\(\\(\\s*${asn}\\s*,\\s*${value}\\s*\\)\\)`);
      },
      multipath: /merge paths on/,
      maxPrefixValue: /\b(?:import|receive) limit (\d+)/,
    },
  };
}

export const bird = birdDriver('2.0');
