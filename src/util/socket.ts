import { LabError, NoAnswerError } from '../errors.js';
import { createConnection } from 'node:net';

/**
 * Clients for the daemons' own control sockets, reached from the host through the node's folder
 * (or /proc/<pid>/root for a container's private files). No process per query: the timeline can
 * read every router ten times a second without loading the machine it measures.
 */

/** Send `request`, collect the answer until `complete` says it is whole. */
export function converse(path: string, request: string, complete: (data: Buffer) => number, timeoutMs = 2000) {
  return new Promise<Buffer>((resolve, reject) => {
    const socket = createConnection(path);
    const chunks: Buffer[] = [];
    const timer = setTimeout(
      () => socket.destroy(new NoAnswerError(`${path}: no answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
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
    socket.on('close', () => (clearTimeout(timer), reject(new LabError(`${path}: closed before the answer ended`))));
  });
}
