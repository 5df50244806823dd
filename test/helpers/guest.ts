// Reading what a script in the QEMU guest printed (scripts/guest.sh's console): each part follows a
// `=== name === <epoch>` marker line.

/** The text between the marker `name` and the next marker. */
export const section = (out: string, name: string) => out.split(`=== ${name} ===`)[1]?.split(/\n=== /)[0] ?? '';

/** The JSON object a section printed (a report written with --json, then cat), among other lines. */
export const json = (text: string) => JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as unknown;
