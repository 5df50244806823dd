import { z } from 'zod';

/** Options more than one fault kind takes: one schema each, so the scenario schema and the CLI have one meaning. */
export const direction = z
  .enum(['to-microsoft', 'to-peer'])
  .optional()
  .describe('the direction that is lost or delayed (default: both, one-way-loss: to-microsoft)');
