import { createConnection } from 'node:net';

/**
 * Clients for the daemons' own control sockets, reached from the host through the node's folder
 * (or /proc/<pid>/root for a container's private files). No process per query: the timeline can
 * read every router ten times a second without loading the machine it measures.
 */

/** Send `request`, collect the answer until `complete` says it is whole. */
function converse(path: string, request: string, complete: (data: Buffer) => number, timeoutMs = 2000) {
  return new Promise<Buffer>((resolve, reject) => {
    const socket = createConnection(path);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`${path}: no answer in ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const data = Buffer.concat(chunks);
      const end = complete(data);
      if (end >= 0) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data.subarray(0, end));
      }
    });
    socket.on('error', (e) => (clearTimeout(timer), reject(e)));
    socket.on('close', () => (clearTimeout(timer), reject(new Error(`${path}: closed before the answer ended`))));
  });
}

/**
 * FRR's vtysh protocol: each command NUL-terminated; each answer ends with three NULs and a status
 * byte. A new connection starts in view mode, so `enable` goes first, as vtysh does.
 */
export async function frrQuery(path: string, command: string): Promise<string> {
  const ends: { at: number; status: number }[] = [];
  const out = await converse(path, `enable\0${command}\0`, (d) => {
    for (let i = (ends.at(-1)?.at ?? -1) + 1; i + 3 < d.length; i++) {
      if (d[i] === 0 && d[i + 1] === 0 && d[i + 2] === 0) {
        ends.push({ at: i + 3, status: d[i + 3]! });
        i += 3;
      }
    }
    return ends.length >= 2 ? ends[1]!.at - 3 : -1;
  });
  const answer = out.subarray(ends[0]!.at + 1).toString();
  if (ends[1]!.status !== 0)
    throw new Error(`${path}: "${command}" failed (status ${ends[1]!.status}): ${answer.trim()}`);
  return answer;
}

/**
 * BIRD's control protocol: after a greeting, each reply line starts with a 4-digit code and '-'
 * (more follows) or ' ' (last line), or with a space (continuation). Returns the text birdc prints.
 */
export async function birdQuery(path: string, command: string): Promise<string> {
  const lines = (await converse(path, `${command}\n`, (d) => birdReplyEnd(d.toString()))).toString().split('\n');
  const text: string[] = [];
  for (const line of lines.slice(1)) {
    const code = /^(\d{4})([ -])/.exec(line);
    if (code && /^[89]/.test(code[1]!)) throw new Error(`${path}: "${command}": ${line.slice(5)}`);
    if (code) text.push(line.slice(5));
    else if (line.startsWith(' ')) text.push(line.slice(1));
  }
  return text.join('\n');
}

/** Where the reply to the first command (after the greeting line) ends, or -1. */
function birdReplyEnd(data: string): number {
  let start = data.indexOf('\n') + 1;
  if (start === 0) return -1;
  for (;;) {
    const end = data.indexOf('\n', start);
    if (end < 0) return -1;
    if (/^\d{4} /.test(data.slice(start, end))) return end;
    start = end + 1;
  }
}

/** Open vSwitch unixctl: one JSON-RPC request, the result string back. */
export async function ovsQuery(path: string, method: string, params: string[] = []): Promise<string> {
  let reply: { result?: string; error?: unknown } = {};
  await converse(path, JSON.stringify({ id: 0, method, params }), (d) => {
    try {
      reply = JSON.parse(d.toString()) as typeof reply;
      return d.length;
    } catch {
      return -1;
    }
  });
  if (reply.error) throw new Error(`${path}: ${method}: ${JSON.stringify(reply.error)}`);
  return reply.result ?? '';
}
