// What a participant may ask of a run, and the check each request passes before the Herald acts on it.

/** The requests of docs/participants.md; anything else stops the participant that sent it. */
export type ParticipantRequest =
  | { readonly type: 'note'; readonly text: string }
  | { readonly type: 'tell'; readonly storyId: string; readonly text: string }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'veto'; readonly storyId: string; readonly reason: string }
  | { readonly type: 'pass'; readonly storyId: string };

/** A note is a few lines of the PR body; a message a few lines of a prompt. */
export const MAX_REQUEST_TEXT = 2000;

const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= MAX_REQUEST_TEXT;

const fieldsOf = (value: unknown): Readonly<Record<string, unknown>> | undefined =>
  typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value)) : undefined;

/** The request when `value` is one, else why it is not. */
export function readRequest(value: unknown): ParticipantRequest | string {
  const fields = fieldsOf(value);
  const { type, text, storyId, reason } = fields ?? {};
  const textual = `a text of 1 to ${MAX_REQUEST_TEXT} characters`;
  switch (type) {
    case 'note':
      return isText(text) ? { type, text } : `a note needs ${textual}`;
    case 'tell':
      return isText(storyId) && isText(text) ? { type, storyId, text } : `tell needs a story id and ${textual}`;
    case 'pause':
    case 'resume':
      return { type };
    case 'veto':
      return isText(storyId) && isText(reason) ? { type, storyId, reason } : `a veto needs a story id and ${textual}`;
    case 'pass':
      return isText(storyId) ? { type, storyId } : 'pass needs a story id';
    default:
      return `unknown request ${JSON.stringify(type ?? null)}: expected note, tell, pause, resume, veto or pass`;
  }
}
