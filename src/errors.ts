/** Where in a user's file something went wrong (1-based line and column). */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/**
 * Exit codes: 0 ok, 1 a requirement, expectation or lab operation failed, 2 bad input, 3 nothing failed
 * but the lab could not measure everything (an inconclusive verdict), 69 something this host lacks (a
 * tool, an engine, a kernel feature), 70 internal error (a bug), 130 interrupted.
 */
export const exitCodes = {
  failed: 1,
  input: 2,
  inconclusive: 3,
  environment: 69,
  internal: 70,
  interrupted: 130,
} as const;

/** Base of every error peerlab raises on purpose; the CLI prints these without a stack trace. */
export class PeerlabError extends Error {
  override name = 'PeerlabError';
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = exitCodes.failed;
}

/** The user's input is wrong: a topology or scenario file, a CLI argument, a lab name. Exit code 2. */
export class InputError extends PeerlabError {
  override name = 'InputError';
  override readonly exitCode = exitCodes.input;
  constructor(
    /** What is wrong, without the position and field the message starts with. */
    readonly reason: string,
    readonly position?: SourcePosition,
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    super(formatInput(reason, position, field), options);
  }
}

/** A file the user named cannot be read (missing, a folder, no permission); `code` is the errno name. */
export class UnreadableFileError extends InputError {
  override name = 'UnreadableFileError';
  constructor(
    readonly file: string,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(`cannot read ${file} (${code})`, undefined, undefined, options);
  }
}

function formatInput(message: string, position?: SourcePosition, field?: string): string {
  const where = position ? `${position.file}:${position.line}:${position.column}: ` : '';
  const at = field ? `${field}: ` : '';
  return `${where}${at}${message}`;
}

/** This host lacks what the work needs: a tool, an engine, a kernel feature. Names what to install. Exit 69. */
export class EnvironmentError extends PeerlabError {
  override name = 'EnvironmentError';
  override readonly exitCode = exitCodes.environment;
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

/** A lab operation could not be done: the lab exists already, is not running, did not answer. Exit 1. */
export class LabError extends PeerlabError {
  override name = 'LabError';
}

/** A daemon accepted a question on its control socket and did not answer in time: it runs, its state is unknown. */
export class NoAnswerError extends LabError {
  override name = 'NoAnswerError';
}

/** Something peerlab's own code guarantees did not hold (a bug): exit 70, printed with its stack. */
export class InternalError extends PeerlabError {
  override name = 'InternalError';
  override readonly exitCode = exitCodes.internal;
}

/** Ctrl-C or SIGTERM stopped the work; what it had made is torn down. Exit code 130. */
export class InterruptedError extends PeerlabError {
  override name = 'InterruptedError';
  override readonly exitCode = exitCodes.interrupted;
}

/**
 * A command that could not start at all (ENOENT) means a tool is missing: an EnvironmentError naming
 * the Debian package, instead of a failed command.
 */
export function missingTool(tool: string, debianPackage: string, cause?: unknown): EnvironmentError {
  return new EnvironmentError(
    `${tool} is not installed on this host: install the Debian package ${debianPackage} (bash scripts/setup.sh installs everything peerlab needs)`,
    { cause },
  );
}
