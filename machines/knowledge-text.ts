// Small text helpers for the Librarian: byte counts, Read output without line numbers, one-line rendering.

/** UTF-8 byte length without Buffer or TextEncoder, so machines/ stays free of runtime globals. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

const LINE_NUMBER = /^[ \t]*\d+(?:\t|→)/;

/** The file content of a Read result, with Claude's `   12\t` / `12→` line-number prefixes removed when present. */
export function stripLineNumbers(text: string): string {
  const lines = text.split('\n');
  const first = lines.find((line) => line.trim() !== '');
  if (first === undefined || !LINE_NUMBER.test(first)) return text;
  return lines.map((line) => line.replace(LINE_NUMBER, '')).join('\n');
}

/** Collapses whitespace (newlines included) and cuts to `max` characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** `812 B`, `4.2 KB`, `1.3 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
