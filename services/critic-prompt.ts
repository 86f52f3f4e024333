// What baro asks the Critic: the story, its acceptance criteria, its diff (bounded) and the checks' evidence.
import { z } from 'zod';

export interface CriticPromptInput {
  readonly story: {
    readonly id: string;
    readonly title: string;
    readonly description: string;
    readonly acceptance: readonly string[];
  };
  readonly round: number;
  readonly evidence: readonly {
    readonly command: string;
    readonly status: string;
    readonly exitCode: number | null;
    readonly tail: string;
  }[];
  readonly denials: readonly string[];
  readonly diff: { readonly stat: string; readonly patch: string };
}

export const verdictSchema = z.strictObject({
  verdict: z.enum(['pass', 'fail']),
  reasons: z.array(z.string()),
  unmetCriteria: z.array(z.string()),
});

let verdictJsonSchemaMade: Readonly<Record<string, unknown>> | undefined;

/**
 * The `--json-schema` of the Critic's answer, in draft-07: the CLI refuses a 2020-12 schema. Made once, on the first
 * turn that asks: at module load it delayed every run's start.
 */
export const verdictJsonSchema = (): Readonly<Record<string, unknown>> =>
  (verdictJsonSchemaMade ??= z.toJSONSchema(verdictSchema, { io: 'input', target: 'draft-7' }));

/** How much of the patch the Critic reads: enough for a story, far below a small model's context. */
export const MAX_PATCH_CHARS = 60_000;

const bullets = (items: readonly string[]): string => items.map((item) => `- ${item}`).join('\n');
const fenced = (text: string, lang = ''): string => `\`\`\`${lang}\n${text.replaceAll('```', "'''")}\n\`\`\``;

/** The patch whole when it fits; else the files that fit, whole, and a note naming what was cut. */
export function boundPatch(patch: string, limit = MAX_PATCH_CHARS): { text: string; note: string | undefined } {
  if (patch.length <= limit) return { text: patch, note: undefined };
  const files = patch.split(/^(?=diff --git )/m);
  const kept: string[] = [];
  const cut: string[] = [];
  let used = 0;
  for (const file of files) {
    if (used + file.length <= limit) {
      kept.push(file);
      used += file.length;
    } else cut.push(/^diff --git a\/(\S+)/.exec(file)?.[1] ?? '(part of a file)');
  }
  const note = `The diff was cut to ${used} of ${patch.length} characters: the changes to ${cut.join(', ')} are not shown (the summary above lists every file).`;
  return { text: kept.join(''), note };
}

const checkBlock = (check: CriticPromptInput['evidence'][number]): string =>
  `### ${check.status === 'notRun' ? 'NOT RUN' : check.status.toUpperCase()}: \`${check.command}\`${check.exitCode === null ? '' : ` (exit ${check.exitCode})`}\n\n${fenced(check.tail === '' ? '(no output)' : check.tail)}`;

/** The Critic's one prompt; it has no tools, so everything it judges is in here. */
export function criticPrompt(input: CriticPromptInput): string {
  const { story, evidence, denials, diff } = input;
  const patch = boundPatch(diff.patch);
  const parts = [
    `# Review of story ${story.id} — ${story.title} (round ${input.round})`,
    "You are the reviewer of a coding agent's work. You have no tools: judge only from what is below, and say so when it is not enough to tell.",
    `## The story\n\n${story.description}`,
    `## Acceptance criteria\n\n${story.acceptance.map((item, index) => `${index + 1}. ${item}`).join('\n')}`,
    `## Checks baro ran in the story's worktree\n\n${evidence.length === 0 ? 'None: no verification commands are configured or detected for this repository.' : evidence.map(checkBlock).join('\n\n')}`,
    denials.length > 0
      ? `## Tool calls the agent was denied\n\nThe agent could not run these (so it may not have checked what they check):\n\n${bullets(denials)}`
      : '',
    `## The story's changes against the integration branch\n\n${fenced(diff.stat === '' ? '(no changes)' : diff.stat)}\n\n${fenced(patch.text, 'diff')}${patch.note === undefined ? '' : `\n\n${patch.note}`}`,
    `## Your answer\n\n${bullets([
      '`verdict` is `pass` only when every acceptance criterion is met by the changes shown and no check failed because of this story.',
      'A failed check is a `fail` unless its output shows the failure clearly has nothing to do with this story.',
      '`reasons`: short, concrete sentences the agent can act on (file, function, what is wrong or missing); for a pass, what convinced you.',
      '`unmetCriteria`: the text of each acceptance criterion not met, as written above; empty for a pass.',
    ])}`,
  ];
  return `${parts.filter((part) => part !== '').join('\n\n')}\n`;
}
