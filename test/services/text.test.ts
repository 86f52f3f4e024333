import { describe, expect, it } from 'vitest';
import { oneLine, stripControl } from '../../services/text.js';

describe('text for terminals and commits', () => {
  it('drops CSI and OSC escape sequences with their parameters', () => {
    expect(stripControl('a\u001b[1;31mb\u001b[0m c\u001b]0;title\u0007d\u001b]8;;http://x\u001b\\e')).toBe('ab cde');
  });

  it('keeps line breaks and tabs, normalises CRLF, drops other controls', () => {
    expect(stripControl('a\r\nb\tc\u0000\u0008d\u009be')).toBe('a\nb\tcde');
  });

  it('makes one line of anything', () => {
    expect(oneLine('  Title\nSigned-off-by: x\r\n\u2028end  ')).toBe('Title Signed-off-by: x end');
  });
});
