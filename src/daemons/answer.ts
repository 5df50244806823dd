import { NoAnswerError } from '../errors.js';
import type { BfdState, BgpPeerState, Sessions } from './types.js';

/** A daemon's answer to one question, or none; `late` when it runs but did not answer in time. */
export interface Answer {
  text?: string;
  late?: boolean;
}

/** What a control-socket question came to: a daemon that is not there (a killed router) gives no answer. */
export function answerOf(question: Promise<string | undefined>): Promise<Answer> {
  return question.then(
    (text) => (text === undefined ? {} : { text }),
    (error: unknown) => (error instanceof NoAnswerError ? { late: true } : {}),
  );
}

/** Sessions from the two answers, each parsed when there is one, and which of them came too late. */
export function sessionsOf(
  bgp: Answer,
  bfd: Answer,
  parse: { bgp: (text: string) => BgpPeerState[]; bfd: (text: string) => BfdState[] },
): Sessions {
  const late = [...(bgp.late ? (['bgp'] as const) : []), ...(bfd.late ? (['bfd'] as const) : [])];
  return {
    bgp: bgp.text === undefined ? [] : parse.bgp(bgp.text),
    bfd: bfd.text === undefined ? [] : parse.bfd(bfd.text),
    ...(late.length ? { late } : {}),
  };
}
