import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** JSON Schema of what a scenario file may say, as published in schema/ (cross-field rules are the loader's). */
export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'peerlab scenario' }, null, 2)}\n`;
}
