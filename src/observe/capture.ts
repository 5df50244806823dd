import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab } from '../lab/lab.js';
import { monotonicMs } from '../util/clock.js';
import { when } from '../util/fs-errors.js';
import { systemPath } from '../util/run.js';
import { pcapWindow } from './pcap.js';

/**
 * A bounded packet capture of the control plane (BGP, BFD, LACP) in some nodes' network namespaces, for
 * a network engineer to open in Wireshark: the host's tcpdump entered into each namespace (no tool in the
 * router image), a short snap length and a packet count cap, stopped with the scenario and cut down to a
 * window around its faults.
 */
export interface RunningCapture {
  /**
   * Stop every tcpdump and return the files written (path, node, bytes, packets). With a window (host
   * monotonic ms, the clock faults are timed on), each file keeps only the packets inside it.
   */
  stop(window?: { fromMs: number; toMs: number }): Promise<CaptureFile[]>;
}

export interface CaptureFile {
  node: string;
  file: string;
  bytes: number;
  /** Packets kept, and captured, when the file was cut to a window. */
  packets?: { kept: number; captured: number };
}

/** BGP (TCP 179), BFD (single-hop 3784, multihop 4784, echo 3785) and LACP (slow protocols, 0x8809). */
export const controlPlaneFilter =
  '(tcp port 179) or (udp port 3784 or udp port 3785 or udp port 4784) or (ether proto 0x8809)';

/** Per node: at most this many packets, each cut at this many bytes (headers and BGP messages' start). */
const maxPackets = 20_000;
const snapLength = 512;

/** Whether the host can capture (tcpdump installed): a capture is evidence to add, never a reason to stop a run. */
export const canCapture = () => ['/usr/bin/tcpdump', '/usr/sbin/tcpdump'].some((p) => existsSync(p));

export async function startCapture(lab: Lab, nodes: string[], dir: string, label: string): Promise<RunningCapture> {
  await mkdir(dir, { recursive: true });
  const running: { node: string; file: string; process: ResultPromise }[] = [];
  for (const node of nodes) {
    const file = join(dir, `${label}-${node}.pcap`);
    const netns = await lab.runtime.netnsPath(lab.name, node);
    const process = execa(
      'nsenter',
      [
        `--net=${netns}`,
        '--',
        'tcpdump',
        '-i',
        'any',
        '-U',
        '-n',
        '-s',
        String(snapLength),
        '-c',
        String(maxPackets),
        '-w',
        file,
        controlPlaneFilter,
      ],
      { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', env: { PATH: systemPath } },
    );
    running.push({ node, file, process });
  }
  lab.onDown(async () => void running.forEach((r) => r.process.kill('SIGKILL')));
  // tcpdump says "listening on any" on stderr once its socket is open; packets before that are not seen.
  await Promise.all(running.map((r) => listening(r.process)));
  // pcap timestamps are wall-clock; faults are timed on CLOCK_MONOTONIC.
  const wallMinusMonotonic = Date.now() - monotonicMs();
  return {
    async stop(window) {
      for (const r of running) r.process.kill('SIGINT');
      await Promise.all(running.map((r) => r.process));
      const files: CaptureFile[] = [];
      for (const r of running) {
        const whole = await readFile(r.file).catch(when(['ENOENT'], undefined));
        if (!whole) continue;
        if (!window) {
          files.push({ node: r.node, file: r.file, bytes: whole.length });
          continue;
        }
        const cut = pcapWindow(whole, window.fromMs + wallMinusMonotonic, window.toMs + wallMinusMonotonic);
        await writeFile(r.file, cut.pcap);
        files.push({
          node: r.node,
          file: r.file,
          bytes: cut.pcap.length,
          packets: { kept: cut.kept, captured: cut.total },
        });
      }
      return files;
    },
  };
}

/** Until tcpdump says it listens (or exits, or 5 s pass: the capture then starts late or not at all). */
function listening(process: ResultPromise): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    process.stderr?.on('data', (chunk: Buffer) => {
      if (/listening on/.test(chunk.toString())) done();
    });
    void process.finally(done);
  });
}
