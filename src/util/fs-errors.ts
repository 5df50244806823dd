/**
 * A `.catch` handler for the filesystem conditions a caller expects, by their code (ENOENT: not there;
 * ENOTEMPTY: a folder still in use): those give `value`, any other error passes on.
 */
export function when<T>(codes: readonly string[], value: T): (error: unknown) => T {
  return (error) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code && codes.includes(code)) return value;
    throw error;
  };
}
