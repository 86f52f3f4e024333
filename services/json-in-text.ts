// The JSON a model's text answer carries, for answers that came as text instead of structured output.

const FENCED = /```(?:json)?\s*\n([\s\S]*?)\n```/;

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false };
    throw error;
  }
}

/** The JSON a text answer carries: all of it, a fenced block, or the outermost braces. */
export function jsonInText(text: string): unknown {
  const candidates = [text.trim(), FENCED.exec(text)?.[1], text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    const parsed = tryJson(candidate);
    if (parsed.ok) return parsed.value;
  }
  return undefined;
}
