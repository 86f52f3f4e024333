// How a failed push reads: the first rejection when there was one, the reason, and what to do by hand.
import type { OperatorReply } from './types.js';

export interface PushFailure {
  /** Why the first push was rejected, when the run caught up with the remote and tried again. */
  readonly rejection: string | undefined;
  /** The Operator's answer that ended the push. */
  readonly reply: OperatorReply | { readonly type: 'RESUME' };
  readonly remote: string | undefined;
  readonly branch: string;
  readonly secondTry: boolean;
}

const reasonOf = (reply: PushFailure['reply']): string => {
  if (reply.type === 'operator.failed') return reply.message;
  return reply.type === 'operator.done' && reply.result.kind === 'behind' ? reply.result.message : 'the push failed';
};

export function pushFailureMessage({ rejection, reply, remote, branch, secondTry }: PushFailure): string {
  const before = rejection === undefined ? '' : `${rejection}; then `;
  const second = secondTry
    ? ` (the second try, after rebasing onto ${remote ?? 'the remote'}/${branch}: the remote branch moved again) — ${branch} is kept locally, rebased; fetch, rebase and push it by hand`
    : '';
  return `${before}${reasonOf(reply)}${second}`;
}
