import { LabError } from '../../../errors.js';
import { converse } from '../../../util/socket.js';

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
  if (reply.error) throw new LabError(`${path}: ${method}: ${JSON.stringify(reply.error)}`);
  return reply.result ?? '';
}
