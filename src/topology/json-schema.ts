import { z } from 'zod';
import { topologySchema } from './schema.js';

/** JSON Schema of what a topology file may say (defaults optional), as published in schema/. */
export function topologyJsonSchema(): string {
  const schema = z.toJSONSchema(topologySchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'peerlab topology' }, null, 2)}\n`;
}
