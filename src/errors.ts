/** Where in a user's file something went wrong (1-based line and column). */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** Base of every error peerlab raises on purpose; the CLI prints these without a stack trace. */
export class PeerlabError extends Error {
  override name = 'PeerlabError';
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
}

/** The user's input is wrong: a topology or scenario file, a CLI argument. Exit code 2. */
export class InputError extends PeerlabError {
  override name = 'InputError';
  override readonly exitCode = 2;
  constructor(
    message: string,
    readonly position?: SourcePosition,
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    super(formatInput(message, position, field), options);
  }
}

function formatInput(message: string, position?: SourcePosition, field?: string): string {
  const where = position ? `${position.file}:${position.line}:${position.column}: ` : '';
  const at = field ? `${field}: ` : '';
  return `${where}${at}${message}`;
}

/** An external command failed; carries the command line and what it printed. */
export class CommandError extends PeerlabError {
  override name = 'CommandError';
  constructor(
    readonly command: readonly string[],
    readonly commandExitCode: number | undefined,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(`command failed (exit ${commandExitCode ?? 'none'}): ${command.join(' ')}\n${stderr.trim()}`, options);
  }
}

/** Ctrl-C or SIGTERM stopped the work; what it had made is torn down. Exit code 130. */
export class InterruptedError extends PeerlabError {
  override name = 'InterruptedError';
  override readonly exitCode = 130;
}
