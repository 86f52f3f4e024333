// Cost and token accounting of one run, read from its final `result` line (docs/claude-cli.md §3).
import type { Usage } from './events.js';
import type { ResultMessage } from './schema.js';

export interface RunTotals {
  readonly costUsd: number;
  readonly usage: Usage;
  readonly numTurns: number;
}

const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 };

/** Tokens come from `modelUsage` (every model, fallbacks included), else from the main-loop `usage`. */
export function resultTotals(result: ResultMessage | undefined): RunTotals {
  if (result === undefined) return { costUsd: 0, usage: NO_USAGE, numTurns: 0 };
  return { costUsd: result.total_cost_usd, usage: resultUsage(result), numTurns: result.num_turns };
}

function resultUsage(result: ResultMessage): Usage {
  const models = result.modelUsage === undefined ? [] : Object.values(result.modelUsage);
  if (models.length > 0) {
    const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 };
    for (const model of models) {
      usage.inputTokens += model.inputTokens;
      usage.outputTokens += model.outputTokens;
      usage.cacheReadTokens += model.cacheReadInputTokens;
      usage.cacheCreationTokens += model.cacheCreationInputTokens;
    }
    return usage;
  }
  const usage = result.usage;
  if (usage === undefined) return NO_USAGE;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens,
    cacheCreationTokens: usage.cache_creation_input_tokens,
  };
}
