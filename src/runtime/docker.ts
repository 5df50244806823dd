import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { CommandError, EnvironmentError, LabError } from '../errors.js';
import type { LabNode } from '../topology/model.js';
import type { RunOptions, RunResult } from '../util/run.js';
import { labels, resourceName } from './identity.js';
import { dockerImages } from './images.js';
import { nodeSysctls } from './sysctls.js';
import type { Runtime } from './types.js';

const nodeDir = '/etc/peerlab';

/**
 * How long one request to the engine may go unanswered before peerlab calls the engine wedged. A request
 * is a small thing (creating and starting one container is the slowest); an engine whose containers' shims
 * died answered `docker ps` and never answered an inspect, and a lab waited on it forever. An exec's output
 * stream is not bounded here: a long, quiet command is bounded by its own timeout.
 */
const answerMs = 120_000;

/** One container per node: --network none, the capabilities routing needs, labelled with the lab. */
export class DockerRuntime implements Runtime {
  readonly kind = 'docker';
  readonly usesHostDaemons = false;
  readonly images = dockerImages();

  check(): Promise<void> {
    return this.ping();
  }

  private client?: Promise<Docker>;
  /** Container ids by lab and node (a container keeps its id for its life; a lab's are recreated under a new one only by up). */
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly socketPath = process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock',
    private readonly deadlineMs = answerMs,
  ) {}

  /** One request to the engine, aborted with a clear error when it goes unanswered past the deadline. */
  private async ask<T>(what: string, request: (opts: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.deadlineMs);
    try {
      return await request({ abortSignal: abort.signal });
    } catch (cause) {
      if (!abort.signal.aborted) throw cause;
      throw new EnvironmentError(
        `the Docker engine on ${this.socketPath} did not answer ${what} in ${this.deadlineMs / 1000} s: it is wedged or overloaded (\`docker info\` tells which; restarting dockerd recovers a wedged one)`,
        { cause },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** dockerode is loaded on first use: commands that never reach Docker start a tenth of a second faster. */
  private get docker(): Promise<Docker> {
    return (this.client ??= import('dockerode').then(
      ({ default: Docker }) => new Docker({ socketPath: this.socketPath }),
    ));
  }

  async ping(): Promise<void> {
    try {
      const docker = await this.docker;
      // dockerode takes a ping's options (abortSignal); its typings do not say so.
      const ping = docker as unknown as { ping(o: object): Promise<unknown> };
      await this.ask('a ping', (o) => ping.ping(o));
    } catch (cause) {
      if (cause instanceof EnvironmentError) throw cause;
      throw new EnvironmentError(
        `no Docker engine answers on ${this.socketPath}: start one (\`bash scripts/setup.sh\` installs docker.io and starts dockerd), or use --runtime netns`,
        { cause },
      );
    }
  }

  async createNode(lab: string, node: LabNode, hostDir: string, image: string): Promise<void> {
    this.ids.delete(`${lab}\u0000${node.name}`);
    const spec: Docker.ContainerCreateOptions = {
      name: resourceName(lab, node.name),
      Image: image,
      Hostname: node.name,
      Cmd: ['sleep', 'infinity'],
      Labels: { [labels.lab]: lab, [labels.node]: node.name, [labels.role]: node.role },
      NetworkDisabled: false,
      HostConfig: {
        NetworkMode: 'none',
        Init: true,
        CapDrop: ['ALL'],
        // Routing daemons, raw/packet sockets (BFD, OVS userspace datapath), privilege drop to frr/bird users.
        CapAdd: [
          'NET_ADMIN',
          'NET_RAW',
          'NET_BIND_SERVICE',
          'SYS_ADMIN',
          'SETUID',
          'SETGID',
          'CHOWN',
          'DAC_OVERRIDE',
          'FOWNER',
          'KILL',
          'IPC_LOCK',
          'SYS_NICE',
        ],
        Devices: [{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }],
        Binds: [`${hostDir}:${nodeDir}`],
        Sysctls: nodeSysctls(node),
      },
    };
    try {
      const docker = await this.docker;
      const container = await this.ask(`the creation of ${node.name}'s container`, (o) =>
        docker.createContainer({ ...spec, ...o }),
      );
      await this.ask(`the start of ${node.name}'s container`, (o) => container.start(o));
    } catch (cause) {
      throw engineRefused(node.name, cause);
    }
  }

  /**
   * A node's container, found by its labels: peerlab names its containers peerlab-<lab>.<node>, but a lab
   * deployed by another engine from `peerlab export` (containerlab: clab-<lab>-<node>) carries the same labels.
   */
  private async container(lab: string, node: string): Promise<Docker.Container> {
    const docker = await this.docker;
    const key = `${lab}\u0000${node}`;
    let id = this.ids.get(key);
    if (!id) {
      const found = await this.ask(`a list of ${node}'s containers`, (o) =>
        docker.listContainers({
          all: true,
          filters: { label: [`${labels.lab}=${lab}`, `${labels.node}=${node}`] },
          ...o,
        }),
      );
      if (found.length !== 1)
        throw new LabError(
          `${found.length ? 'several containers are' : 'no container is'} labelled ${labels.lab}=${lab}, ${labels.node}=${node}`,
        );
      id = found[0]!.Id;
      this.ids.set(key, id);
    }
    return docker.getContainer(id);
  }

  async netnsTarget(lab: string, node: string): Promise<string> {
    const container = await this.container(lab, node);
    const info = await this.ask(`an inspect of ${node}'s container`, (o) => container.inspect(o));
    if (!info.State.Running) throw new LabError(`${info.Name.replace(/^\//, '')} (${node}) is not running`);
    return String(info.State.Pid);
  }

  async netnsPath(lab: string, node: string): Promise<string> {
    return `/proc/${await this.netnsTarget(lab, node)}/ns/net`;
  }

  async toolNamespaces(lab: string, node: string): Promise<string[]> {
    const pid = await this.netnsTarget(lab, node);
    return [`--net=/proc/${pid}/ns/net`, `--mount=/proc/${pid}/ns/mnt`];
  }

  async hostRoot(lab: string, node: string): Promise<string> {
    return `/proc/${await this.netnsTarget(lab, node)}/root`;
  }

  nodeDir(): string {
    return nodeDir;
  }

  pathspace(): undefined {
    return undefined;
  }

  async exec(lab: string, node: string, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const docker = await this.docker;
    const container = await this.container(lab, node);
    const exec = await this.ask(`an exec on ${node}`, (o) =>
      container.exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true, AttachStdin: false, ...o }),
    );
    const stream = await this.ask(`the start of an exec on ${node}`, (o) =>
      exec.start({ hijack: true, stdin: false, ...o }),
    );
    const [out, err] = [new PassThrough(), new PassThrough()];
    const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
    out.on('data', (c: Buffer) => chunks.out.push(c));
    err.on('data', (c: Buffer) => chunks.err.push(c));
    docker.modem.demuxStream(stream, out, err);
    await new Promise<void>((resolve, reject) => {
      const timer = options.timeoutMs
        ? setTimeout(
            () => reject(new CommandError([node, ...argv], undefined, `timed out after ${options.timeoutMs} ms`)),
            options.timeoutMs,
          )
        : undefined;
      stream.on('end', () => (clearTimeout(timer), resolve()));
      stream.on('error', (e: Error) => (clearTimeout(timer), reject(e)));
    });
    const { ExitCode } = await this.ask(`an exec's exit code on ${node}`, (o) => exec.inspect(o));
    const result = {
      stdout: Buffer.concat(chunks.out).toString().trimEnd(),
      stderr: Buffer.concat(chunks.err).toString().trimEnd(),
      exitCode: ExitCode ?? -1,
    };
    if (result.exitCode !== 0 && !options.allowFailure)
      throw new CommandError([`${node}:`, ...argv], result.exitCode, result.stderr || result.stdout);
    return result;
  }

  async removeLab(lab: string): Promise<void> {
    await this.ping();
    for (const key of [...this.ids.keys()]) if (key.startsWith(`${lab}\u0000`)) this.ids.delete(key);
    const docker = await this.docker;
    const containers = await this.ask(`a list of lab ${lab}'s containers`, (o) =>
      docker.listContainers({ all: true, filters: { label: [`${labels.lab}=${lab}`] }, ...o }),
    );
    await Promise.all(
      containers.map((c) =>
        this.ask(`the removal of ${c.Names[0]?.replace(/^\//, '') ?? c.Id}`, (o) =>
          docker.getContainer(c.Id).remove({ force: true, v: true, ...o }),
        ),
      ),
    );
  }

  async listLabs(): Promise<string[]> {
    await this.ping();
    const docker = await this.docker;
    const containers = await this.ask("a list of the labs' containers", (o) =>
      docker.listContainers({ all: true, filters: { label: [labels.lab] }, ...o }),
    );
    return [...new Set(containers.map((c) => c.Labels[labels.lab]!))].sort();
  }
}

/**
 * The engine answered, and refused (an HTTP status): what the host lacks, in the engine's words, not a bug
 * of peerlab's. A guest kernel without the tun module is one (every node is given /dev/net/tun).
 */
function engineRefused(node: string, cause: unknown): unknown {
  const status = (cause as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status !== 'number') return cause;
  const said = (cause as { json?: { message?: unknown } }).json?.message;
  const message = typeof said === 'string' ? said : (cause as Error).message;
  const hint = message.includes('/dev/net/tun') ? ': load the tun module (modprobe tun)' : '';
  return new EnvironmentError(`the Docker engine refused ${node}'s container (HTTP ${status}): ${message}${hint}`, {
    cause,
  });
}
