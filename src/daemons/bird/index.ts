import type { DaemonDriver, NodeAccess, NodeDirs } from '../types.js';
import { inspectBird } from './inspect.js';
import { parseBirdBfdSessions, parseBirdProtocols } from './parse.js';
import { renderBird } from './render/index.js';
import { birdQuery } from './socket.js';

const socket = (dirs: NodeDirs) => `${dirs.run}/bird.ctl`;
const pidFile = (dirs: NodeDirs) => `${dirs.run}/bird.pid`;
const start = (dirs: NodeDirs) => ['bird', '-c', `${dirs.dir}/bird.conf`, '-s', socket(dirs), '-P', pidFile(dirs)];
const kill = (dirs: NodeDirs) => [['pkill', '-KILL', '-F', pidFile(dirs)]];

/** One command to BIRD: its control socket when the host sees it, else birdc in the node. */
function query(node: NodeAccess, command: string): Promise<string | undefined> {
  if (node.hostPath) return birdQuery(node.hostPath(socket(node.dirs)), command).catch(() => undefined);
  return node.exec(['birdc', '-s', socket(node.dirs), ...command.split(' ')]);
}

/** BIRD 2: one process for BGP and BFD, configured by bird.conf at start. */
export const bird: DaemonDriver = {
  name: 'bird',
  description: 'BIRD 2 (BGP and BFD in one daemon)',
  configFile: 'bird.conf',
  versions: { '2.0': { suite: 'bookworm' }, '2.17': { suite: 'trixie' } },
  defaultVersion: '2.0',
  packages: ['bird2'],
  render: renderBird,
  validator: {
    command: (file) => ['bird', '-p', '-c', file],
    package: 'bird2',
    locate: (output) =>
      ((m) => (m ? { line: Number(m[1]), column: Number(m[2]) } : undefined))(output.match(/:(\d+):(\d+) /)),
  },
  inspect: inspectBird,
  start: (dirs) => ({ commands: [start(dirs)] }),
  kill,
  restart: (dirs) => [start(dirs)],
  crashBgp: (dirs) => ({ apply: kill(dirs), revert: [start(dirs)] }),
  pidFile,
  async readSessions(node) {
    const [protocols, bfd] = await Promise.all([query(node, 'show protocols all'), query(node, 'show bfd sessions')]);
    return { bgp: protocols ? parseBirdProtocols(protocols) : [], bfd: bfd ? parseBirdBfdSessions(bfd) : [] };
  },
  evidence: {
    bfd: /^\s*bfd\s*(\{|on\b|graceful\b)/,
    community: (c) => {
      const [asn, value] = c.split(':');
      return new RegExp(`bgp_community\\.add\\(\\(\\s*${asn}\\s*,\\s*${value}\\s*\\)\\)`);
    },
    multipath: /merge paths on/,
    maxPrefixValue: /\bimport limit (\d+)/,
  },
};
