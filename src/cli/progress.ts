/** Progress lines: elapsed time and phase; on a terminal the phase line is rewritten in place. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (phase: string) => void {
  const start = performance.now();
  let previous = '';
  return (phase) => {
    const line = `[${((performance.now() - start) / 1000).toFixed(1).padStart(5)}s] ${phase}`;
    if (stream.isTTY && previous) stream.write(`\r\x1b[K${previous.replace(/^\[[^\]]*\]/, '  done ')}\n`);
    stream.write(stream.isTTY ? line : `${line}\n`);
    previous = line;
    if (phase === 'done' && stream.isTTY) stream.write('\n');
  };
}
