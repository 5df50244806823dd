import { LabError } from '../../errors.js';
import { converse } from '../../util/socket.js';

/**
 * BIRD's control protocol: after a greeting, each reply line starts with a 4-digit code and '-'
 * (more follows) or ' ' (last line), or with a space (continuation). Returns the text birdc prints.
 */
export async function birdQuery(path: string, command: string): Promise<string> {
  const lines = (await converse(path, `${command}\n`, (d) => birdReplyEnd(d.toString()))).toString().split('\n');
  const text: string[] = [];
  for (const line of lines.slice(1)) {
    const code = /^(\d{4})([ -])/.exec(line);
    if (code && /^[89]/.test(code[1]!)) throw new LabError(`${path}: "${command}": ${line.slice(5)}`);
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
