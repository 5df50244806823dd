import { readFile, stat } from 'node:fs/promises';
import { isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InputError, UnreadableFileError, type SourcePosition } from '../errors.js';

/** A parsed YAML file that can say where any path in it is written. */
export interface YamlSource {
  file: string;
  data: unknown;
  positionOf(path: readonly PropertyKey[], key?: string): SourcePosition;
}

/** Topology and scenario files are small; a bigger one is a mistake (or a device), not input. */
const maxYamlBytes = 1 << 20;

export async function readYamlSource(file: string): Promise<YamlSource> {
  let text: string;
  try {
    // A FIFO or a device would block or never end: only regular files are read, and only so much.
    const info = await stat(file);
    if (!info.isFile()) throw new InputError(`${file} is not a regular file`);
    if (info.size > maxYamlBytes) throw new InputError(`${file} is larger than ${maxYamlBytes} bytes`);
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new UnreadableFileError(file, code, { cause });
  }
  return parseYamlSource(file, text);
}

/** YAML aliases may share a block (anchors are handy), within reason: no bombs, no cycles. */
const maxAliasCount = 100;

export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const at = lines.linePos(first.pos[0]);
    throw new InputError(`invalid YAML: ${first.message.split('\n')[0]}`, { file, line: at.line, column: at.col });
  }
  const aliasAt = (offset: number) => {
    const at = lines.linePos(offset);
    return { file, line: at.line, column: at.col };
  };
  // An alias that names no anchor is found here, by name; then the only way toJS can fail is the count.
  let unresolved: { source: string; offset: number } | undefined;
  let firstAlias = 0;
  visit(doc, {
    Alias: (_, node) => {
      firstAlias ||= node.range?.[0] ?? 0;
      if (node.resolve(doc) !== undefined) return undefined;
      unresolved = { source: node.source, offset: node.range?.[0] ?? 0 };
      return visit.BREAK;
    },
  });
  if (unresolved)
    throw new InputError(`YAML alias *${unresolved.source} refers to no anchor before it`, aliasAt(unresolved.offset));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new InputError(
      `YAML aliases expand past ${maxAliasCount} nodes (an alias bomb?)`,
      aliasAt(firstAlias),
      undefined,
      {
        cause: error,
      },
    );
  }
  if (cyclic(data))
    throw new InputError('a YAML alias refers to a node that contains it (a cycle)', aliasAt(firstAlias));
  const proto = protoKey(doc);
  if (proto !== undefined) {
    const at = lines.linePos(proto.offset);
    throw new InputError(`key "${proto.key}" is not allowed (it names JavaScript internals)`, {
      file,
      line: at.line,
      column: at.col,
    });
  }
  const positionAt = (offset: number): SourcePosition => {
    const at = lines.linePos(offset);
    return { file, line: at.line, column: at.col };
  };
  return {
    file,
    data,
    positionOf: (path, key) => positionAt(offsetOf(doc, path, key)),
  };
}

function cyclic(value: unknown, stack = new Set<unknown>()): boolean {
  if (!value || typeof value !== 'object') return false;
  if (stack.has(value)) return true;
  stack.add(value);
  const found = Object.values(value).some((v) => cyclic(v, stack));
  stack.delete(value);
  return found;
}

/** Keys that would reach an object's prototype, refused like any unknown key but wherever they are. */
const protoKeys = new Set(['__proto__', 'constructor', 'prototype']);

function protoKey(doc: Document): { key: string; offset: number } | undefined {
  let found: { key: string; offset: number } | undefined;
  visit(doc, {
    Pair: (_, pair) => {
      if (isScalar(pair.key) && protoKeys.has(String(pair.key.value))) {
        found = { key: String(pair.key.value), offset: pair.key.range?.[0] ?? 0 };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Offset of what `path` names: its value when the whole path exists, else the deepest part that does;
 * with `key`, the key itself (for unknown keys). Errors point as close to the mistake as possible.
 */
function offsetOf(doc: Document, path: readonly PropertyKey[], key?: string): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  const steps = [...path, ...(key === undefined ? [] : [key])];
  for (const [index, step] of steps.entries()) {
    if (!node || typeof node !== 'object' || !('items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    if (isMap(node)) {
      const pair = items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!isPair(pair)) break;
      const keyNode = pair.key as Node;
      offset = keyNode.range?.[0] ?? offset;
      node = pair.value;
      if (key !== undefined && index === steps.length - 1) break;
      if (index === steps.length - 1) offset = (pair.value as Node | null)?.range?.[0] ?? offset;
    } else {
      const item = items[Number(step)] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    }
  }
  return offset;
}

/** Validate `source.data` with a zod schema; the first issue becomes an InputError at its position. */
export function parseWith<S extends z.ZodType>(schema: S, source: YamlSource): z.output<S> {
  const result = schema.safeParse(source.data, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const allowed = allowedKeys(schema, issue.path);
    return fail(
      `unknown key "${key}"${allowed ? `; allowed keys: ${allowed}` : ''}`,
      source.positionOf(issue.path, key),
      field,
    );
  }
  return fail(describeIssue(issue), source.positionOf(issue.path), field);
}

function fail(message: string, position: SourcePosition, field: string): never {
  throw new InputError(message, position, field);
}

/** A value as an error line shows it: one line, at most 60 characters, numbers YAML cannot spell in JSON named. */
export function quote(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan (not a number)';
    if (!Number.isFinite(value)) return `${value > 0 ? '' : '-'}.inf (infinity)`;
    return Number.isInteger(value) ? String(value) : `${value} (not a whole number)`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function kindOf(value: unknown): string {
  return value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'a mapping'
        : `a ${typeof value}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `is required (${issue.expected})`;
    // The whole file is not a mapping (a file that is not a topology or scenario): say what it is, never echo it.
    if (issue.path.length === 0) return `expected a mapping of keys, got ${kindOf(issue.input)}`;
    if (issue.expected === 'int' || (issue.expected === 'number' && typeof issue.input === 'number'))
      return `expected a whole number, got ${quote(issue.input)}`;
    return `expected ${issue.expected}, got ${quote(issue.input)}`;
  }
  if (issue.code === 'invalid_union') {
    // The branch whose type matched says what is wrong; the others only say "not my type".
    const branches = issue.errors.filter((b) => b.length > 0);
    const notMyType = (b: z.core.$ZodIssue[]) =>
      b.length === 1 && b[0]!.path.length === 0 && ['invalid_type', 'invalid_value'].includes(b[0]!.code);
    const best = branches.find((b) => !notMyType(b)) ?? branches[0];
    const inner = best?.[0];
    if (inner) return `${inner.path.length ? `${inner.path.map(String).join('.')}: ` : ''}${describeIssue(inner)}`;
  }
  if (issue.code === 'invalid_key') {
    // A map key (router, metro, host, interconnect name) that breaks its pattern: say the rule, not "invalid key".
    const inner = issue.issues[0];
    const key = issue.path.at(-1);
    return `the name ${quote(String(key))} ${inner ? describeIssue(inner as z.core.$ZodIssue) : 'is not allowed'}`;
  }
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const input = (issue as { input?: unknown }).input;
    return input === undefined ? issue.message : `${issue.message}; got ${quote(input)}`;
  }
  return issue.message;
}

/** The keys an object schema accepts at `path`, for "allowed keys" hints. */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string | undefined {
  let current: unknown = schema;
  for (const step of path) {
    current = unwrap(current);
    const def = (
      current as { def?: { type?: string; shape?: Record<string, unknown>; valueType?: unknown; element?: unknown } }
    ).def;
    if (def?.type === 'object') current = def.shape?.[String(step)];
    else if (def?.type === 'record') current = def.valueType;
    else if (def?.type === 'array') current = def.element;
    else return undefined;
  }
  const def = (unwrap(current) as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}).join(', ') : undefined;
}

function unwrap(schema: unknown): unknown {
  let current = schema as { def?: { type?: string; innerType?: unknown; in?: unknown; options?: unknown[] } };
  for (;;) {
    const def = current?.def;
    if (!def) return current;
    if (def.innerType) current = def.innerType as typeof current;
    else if (def.type === 'pipe') current = def.in as typeof current;
    else if (def.type === 'union') {
      const object = def.options?.find((o) => (o as typeof current).def?.type === 'object');
      if (!object) return current;
      current = object as typeof current;
    } else return current;
  }
}
