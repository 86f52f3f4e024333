// What baro tells its agents: pure string builders for story, rules, resolver and follow-up turns.

export interface PromptStory {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly acceptance: readonly string[];
  readonly writes?: readonly string[] | undefined;
}

export interface PromptDependency {
  readonly id: string;
  readonly title: string;
  readonly files: readonly string[];
}

export interface PromptWarning {
  readonly path: string;
  readonly stories: readonly string[];
}

const code = (text: string): string => `\`${text}\``;

const bullets = (items: readonly string[]): string => items.map((item) => `- ${item}`).join('\n');

const section = (title: string, body: string): string => `## ${title}\n\n${body}`;

// The warning names only the other stories, since each story involved receives the same warning.
const warningLine = (warning: PromptWarning, selfId: string | undefined): string => {
  const others = warning.stories.filter((id) => id !== selfId);
  const who = others.length === 0 ? 'Another story' : `Another story (${others.join(', ')})`;
  return `${who} is also changing ${code(warning.path)}: keep your change minimal there, do not reformat or reorganise that file, and never undo the other story's changes.`;
};

const warningList = (warnings: readonly PromptWarning[], selfId: string | undefined): string =>
  bullets(warnings.map((warning) => warningLine(warning, selfId)));

const dependencyLine = (dep: PromptDependency): string =>
  dep.files.length === 0
    ? `${dep.id} — ${dep.title} (no file changes)`
    : `${dep.id} — ${dep.title}: ${dep.files.map(code).join(', ')}`;

const doneList = (storyId: string, branch: string): string =>
  bullets([
    'Every acceptance criterion above is met, and you checked it rather than assumed it.',
    "The project's checks (build, tests, lint) pass in your worktree.",
    `Your work is committed on branch ${code(branch)} with messages starting with ${code(`${storyId}: `)}, and ${code('git status')} is clean.`,
    'Your last message is a short summary: what you changed, in which files, and anything a reviewer should know.',
  ]);

export interface StoryPromptInput {
  readonly goal: string;
  readonly story: PromptStory;
  /** What the story's dependencies merged; already present on the story's branch. */
  readonly dependencies: readonly PromptDependency[];
  /** The Librarian's markdown brief; empty when nothing is known yet. */
  readonly brief: string;
  readonly warnings: readonly PromptWarning[];
  readonly branch: string;
  /** The Surgeon's guidance when a replan sent the story back without a session to continue. */
  readonly guidance?: string | undefined;
}

/** The first prompt of a story agent: goal, story, context from other agents, and the definition of done. */
export const storyPrompt = ({
  goal,
  story,
  dependencies,
  brief,
  warnings,
  branch,
  guidance = '',
}: StoryPromptInput): string => {
  const writes = story.writes ?? [];
  const parts = [
    `# Goal of the whole run\n\n${goal}`,
    `# Your story: ${story.id} — ${story.title}\n\n${story.description}`,
    section('Acceptance criteria', story.acceptance.map((item) => `- [ ] ${item}`).join('\n')),
    writes.length > 0
      ? section(
          'Files you are expected to write',
          `${bullets(writes.map(code))}\n\nOther files are fine when the story needs them; keep the change focused.`,
        )
      : '',
    dependencies.length > 0
      ? section(
          'What your dependencies merged',
          `Already on your branch:\n\n${bullets(dependencies.map(dependencyLine))}`,
        )
      : '',
    brief.trim() !== '' ? section('What other agents already learned', brief.trim()) : '',
    warnings.length > 0 ? section('Collision warnings', warningList(warnings, story.id)) : '',
    guidance.trim() !== ''
      ? section(
          'Guidance after an earlier attempt failed',
          `${guidance.trim()}\n\nYour branch may already hold work from that attempt: check ${code('git status')} and ${code('git log')} first.`,
        )
      : '',
    section('Definition of done', doneList(story.id, branch)),
  ];
  return `${parts.filter((part) => part !== '').join('\n\n')}\n`;
};

export interface StoryRulesInput {
  readonly storyId: string;
  /** Absolute path of the story's worktree. */
  readonly worktree: string;
  /** The project's verification commands, when known. */
  readonly checks?: readonly string[] | undefined;
}

/** The rules baro appends to the system prompt of every story session (`--append-system-prompt-file`). */
export const storyRules = ({ storyId, worktree, checks = [] }: StoryRulesInput): string => {
  const checkRule =
    checks.length > 0
      ? `Run the project's checks before you finish, and fix what fails:\n${checks.map((check) => `  - ${code(check)}`).join('\n')}`
      : "Run the project's own checks (build, tests, lint, whichever exist) before you finish, and fix what fails.";
  const rules = [
    `Work only inside your worktree, ${code(worktree)}. Never ${code('cd')} outside it, and never read or write files outside it.`,
    'Do not touch other branches or worktrees: no checkout or switch of another branch, no branch deletion, no edits to other worktrees.',
    checkRule,
    `Commit your work in this worktree with messages starting with ${code(`${storyId}: `)}, for example ${code(`${storyId}: add the limiter`)}.`,
    `Never push. Never rewrite history: no ${code('git reset --hard')}, no ${code('git rebase')}, no ${code('git commit --amend')}, no force option on any git command. baro merges your branch.`,
    'Nobody is watching this session and nobody can answer questions: when something is unclear, choose the reasonable option and say so in your final summary.',
  ];
  return `# Rules for this session (baro story ${storyId})\n\nYou are one of several agents working on the same repository in parallel; baro coordinates and merges your work.\n\n${bullets(rules)}\n`;
};

export interface ResolverPromptInput {
  readonly story: { readonly id: string; readonly title: string };
  /** The integration commit (or branch) the story branch was rebased onto. */
  readonly onto: string;
  readonly files: readonly string[];
  readonly warnings: readonly PromptWarning[];
}

/** The follow-up turn that hands a rebase conflict back to the story's own session. */
export const resolverPrompt = ({ story, onto, files, warnings }: ResolverPromptInput): string => {
  const steps = [
    "Resolve every conflict keeping BOTH sides' intent: the other side is another story's merged work, so never drop it; combine the two changes.",
    `During a rebase, the ${code('HEAD')} ("ours") side is the integration branch and the other ("theirs") side is your own commit.`,
    `Remove all conflict markers (${code('<<<<<<<')}, ${code('=======')}, ${code('>>>>>>>')}) and stage the resolved files with ${code('git add')}.`,
    "Run the project's checks and fix what the combination broke.",
    `Do not run ${code('git rebase --continue')}, ${code('--skip')} or ${code('--abort')}, and do not commit: baro continues the rebase.`,
  ];
  const parts = [
    `# Conflict in story ${story.id} — ${story.title}`,
    `The integration branch moved while you worked. baro rebased your branch onto ${code(onto)} and these files conflict:\n\n${bullets(files.map(code))}`,
    section('What to do', bullets(steps)),
    warnings.length > 0 ? section('Collision warnings', warningList(warnings, story.id)) : '',
    'End with a short summary of how you combined the two sides in each file.',
  ];
  return `${parts.filter((part) => part !== '').join('\n\n')}\n`;
};

/** The follow-up turn after a transient failure or a usage-limit pause. */
export const retryPrompt = ({ reason }: { readonly reason: string }): string =>
  `Your previous turn stopped before you finished (${reason}). Continue where you stopped: check ${code('git status')} and ${code('git log')} in your worktree to see what is already done, then finish the story and its definition of done, committing with the prefix your rules give.\n`;

export interface LaterTurnNewsInput {
  /** The Librarian's brief of what is new since the story's last one; empty when nothing is. */
  readonly brief: string;
  /** Live messages that could not be said while the agent worked (its budget was spent, or no agent was at work). */
  readonly notices: readonly string[];
  readonly warnings: readonly PromptWarning[];
  readonly storyId?: string;
}

/** What a turn adds after its own prompt: messages held back, warnings, and what others learned since the last brief. */
export const laterTurnNews = ({ brief, notices, warnings, storyId }: LaterTurnNewsInput): string => {
  const learned = brief.replace(/^## [^\n]*\n+/, '').trim();
  const parts = [
    notices.length > 0 ? section('Messages from baro held back while you worked', bullets(notices)) : '',
    warnings.length > 0 ? section('Collision warnings', warningList(warnings, storyId)) : '',
    learned !== '' ? section('What other agents learned since your last brief', learned) : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? '' : `\n${parts.join('\n\n')}\n`;
};

/** The turn that sends a failed story back into its own session with the Surgeon's guidance. */
export const guidedPrompt = ({ guidance }: { readonly guidance: string }): string =>
  `This story failed, and baro's Surgeon sends it back to you with this guidance:\n\n${guidance.trim()}\n\nYour worktree and branch still hold your earlier work: check ${code('git status')} and ${code('git log')}, follow the guidance, then finish the story and its definition of done, committing with the prefix your rules give.\n`;

export interface ReviewFeedbackInput {
  readonly round: number;
  readonly reasons: readonly string[];
  readonly unmetCriteria: readonly string[];
  /** The checks that failed in the worktree, with the end of their output. */
  readonly failing: readonly { readonly command: string; readonly exitCode: number | null; readonly tail: string }[];
}

const fenced = (text: string): string => `\`\`\`\n${text.replaceAll('```', "'''")}\n\`\`\``;

/** The follow-up turn after the Critic failed the story: its reasons, the unmet criteria and the failing checks. */
export const reviewFeedbackPrompt = ({ round, reasons, unmetCriteria, failing }: ReviewFeedbackInput): string => {
  const parts = [
    `# Review round ${round}: your story is not done yet`,
    "baro's reviewer checked your work against the story's acceptance criteria and the project's checks, and sent it back.",
    reasons.length > 0 ? section('Why', bullets(reasons)) : '',
    unmetCriteria.length > 0 ? section('Acceptance criteria not met', bullets(unmetCriteria)) : '',
    failing.length > 0
      ? section(
          'Checks that failed in your worktree',
          failing
            .map((check) => `${code(check.command)} (exit ${check.exitCode ?? 'none'}):\n\n${fenced(check.tail)}`)
            .join('\n\n'),
        )
      : '',
    'Fix all of it in this worktree, run the checks again, commit with the prefix your rules give, and end with a short summary of what you changed.',
  ];
  return `${parts.filter((part) => part !== '').join('\n\n')}\n`;
};
