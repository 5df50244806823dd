import { execa } from 'execa';
import { CommandError, InternalError, missingTool } from '../errors.js';

export interface RunOptions {
  /** Standard input for the command. */
  input?: string;
  timeoutMs?: number;
  /** Return a failed result instead of throwing. */
  allowFailure?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * PATH without node_modules/.bin (npm and npx prepend it): system tools must not be shadowed by
 * packages' binaries of the same name (@vercel/nft ships an `nft`).
 */
export const systemPath = (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')
  .split(':')
  .filter((dir) => dir && !dir.includes('node_modules'))
  .join(':');

/** The Debian package of each host tool peerlab runs, named when one is missing. */
export const toolPackages: Record<string, string> = {
  vtysh: 'frr',
  bird: 'bird2',
  birdc: 'bird2',
  'ovs-vsctl': 'openvswitch-switch',
  'ovs-appctl': 'openvswitch-switch',
  ip: 'iproute2',
  nft: 'nftables',
  nsenter: 'util-linux',
  unshare: 'util-linux',
  tc: 'iproute2',
  pkill: 'procps',
  pgrep: 'procps',
  docker: 'docker.io',
  debootstrap: 'debootstrap',
  modprobe: 'kmod',
  tar: 'tar',
  tcpdump: 'tcpdump',
};

/** Runs one command from an argument array (never a shell string). Injected where logic is unit-tested. */
export type Runner = (argv: readonly string[], options?: RunOptions) => Promise<RunResult>;

export const runCommand: Runner = async (argv, options = {}) => {
  const [command, ...args] = argv;
  if (!command) throw new InternalError('empty command');
  const result = await execa(command, args, {
    reject: false,
    stripFinalNewline: true,
    env: { PATH: systemPath },
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }),
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });
  if (result.exitCode === undefined && (result as { code?: string }).code === 'ENOENT')
    throw missingTool(command, toolPackages[command] ?? command);
  const outcome = {
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    exitCode: result.exitCode ?? -1,
  };
  if (outcome.exitCode !== 0 && !options.allowFailure) {
    throw new CommandError(
      argv,
      result.exitCode,
      result.exitCode === undefined ? (result.shortMessage ?? '') : outcome.stderr || outcome.stdout,
    );
  }
  return outcome;
};
