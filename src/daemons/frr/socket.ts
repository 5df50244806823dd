import { LabError } from '../../errors.js';
import { converse } from '../../util/socket.js';

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
    throw new LabError(`${path}: "${command}" failed (status ${ends[1]!.status}): ${answer.trim()}`);
  return answer;
}
