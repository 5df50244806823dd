import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CommandError, InternalError } from '../errors.js';
import { systemPath } from '../util/run.js';

/** The standard streams of an interactive `nft -i` (stderr merged into stdout). */
export interface NftProcess {
  stdin: Writable;
  stdout: Readable;
  /** Resolves when the process has exited. */
  exited: Promise<unknown>;
}

/**
 * One long-lived `nft -i` in a network namespace. Each script is one line, so one transaction, and
 * takes effect well under a millisecond after it is written: spawning nft per change costs 5-80 ms,
 * which would blur when a blackhole really began and ended.
 *
 * nft prints nothing when a change succeeds, so every script is followed by a listing of an empty
 * table the session owns; that listing is the acknowledgement, and an `Error:` before it is the failure.
 */
export class NftSession {
  private output = '';
  private pending?: { done: () => void; script: string; reject: (e: Error) => void };
  private queue: Promise<unknown> = Promise.resolve();
  private exited = false;
  /** Set when an answer timed out: later output could no longer be matched to its script. */
  private broken?: string;
  private readonly ackText: string;

  private constructor(
    private readonly nft: NftProcess,
    private readonly ackTable: string,
    private readonly timeoutMs: number,
  ) {
    this.ackText = `table netdev ${ackTable} {\n}\n`;
    nft.stdout.setEncoding('utf8');
    nft.stdout.on('data', (chunk: string) => {
      this.output += chunk;
      this.settle();
    });
    void nft.exited.finally(() => {
      this.exited = true;
      this.pending?.reject(this.failure(this.pending.script, 'nft exited'));
      this.pending = undefined;
    });
  }

  /** Start the node's nft (nsenter with `namespaces`) and create the acknowledgement table `ackTable` (unique per session). */
  static async open(
    namespaces: string[],
    ackTable: string,
    { start = startNft, timeoutMs = 5000 }: { start?: (namespaces: string[]) => NftProcess; timeoutMs?: number } = {},
  ): Promise<NftSession> {
    const session = new NftSession(start(namespaces), ackTable, timeoutMs);
    try {
      await session.apply(`add table netdev ${ackTable}`);
    } catch (error) {
      session.nft.stdin.end();
      throw error;
    }
    return session;
  }

  /** Run one script (commands joined by ` ; `) as one transaction; resolves once nft has committed it. */
  apply(script: string): Promise<void> {
    if (script.includes('\n')) throw new InternalError('an nft script for a session is a single line');
    const run = this.queue.then(() => this.send(script));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Delete the acknowledgement table and end nft. */
  async close(): Promise<void> {
    if (!this.exited) {
      this.nft.stdin.end(`delete table netdev ${this.ackTable}\n`);
      await this.nft.exited;
    }
  }

  private send(script: string): Promise<void> {
    if (this.exited || this.broken) return Promise.reject(this.failure(script, this.broken ?? 'nft exited'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.broken = `an earlier script got no answer within ${this.timeoutMs} ms`;
        reject(this.failure(script, `no answer within ${this.timeoutMs} ms\n${this.output}`));
      }, this.timeoutMs);
      this.pending = {
        script,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.nft.stdin.write(`${script}\nlist table netdev ${this.ackTable}\n`);
    });
  }

  private settle(): void {
    const end = this.output.indexOf(this.ackText);
    if (end < 0 || !this.pending) return;
    const before = this.output.slice(0, end);
    this.output = this.output.slice(end + this.ackText.length);
    const { done, reject, script } = this.pending;
    this.pending = undefined;
    if (before.includes('Error:')) reject(this.failure(script, before));
    else done();
  }

  private failure(script: string, output: string): CommandError {
    return new CommandError(['nft', script], undefined, output);
  }
}

function startNft(namespaces: string[]): NftProcess {
  // A fixed shell line: only to merge nft's stderr into its stdout, so an error is seen before the listing after it.
  const child = spawn('nsenter', [...namespaces, '--', 'sh', '-c', 'exec nft -i 2>&1'], {
    env: { PATH: systemPath },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = new Promise((resolve) => {
    child.once('exit', resolve);
    child.once('error', resolve);
  });
  return { stdin: child.stdin, stdout: child.stdout, exited };
}
