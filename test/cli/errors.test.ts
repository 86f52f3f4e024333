import { describe, expect, it } from 'vitest';
import { describeError, ExitCode, exitCodeForError, UsageError } from '../../cli/errors.js';

describe('exitCodeForError', () => {
  it('maps a UsageError to 2 and anything else to 1', () => {
    expect(exitCodeForError(new UsageError('bad'))).toBe(ExitCode.usage);
    expect(exitCodeForError(new Error('boom'))).toBe(ExitCode.failed);
    expect(exitCodeForError('a string')).toBe(ExitCode.failed);
  });
});

describe('describeError', () => {
  const inner = new Error('git exited with 128');
  const outer = new Error('merge of S1 failed', { cause: inner });

  it('shows a UsageError as its message alone', () => {
    const error = new UsageError('Invalid value for --parallel: "0".', {
      option: '--parallel',
      value: '0',
      cause: inner,
    });
    expect(describeError(error, { debug: false })).toBe('Invalid value for --parallel: "0".');
  });

  it('shows an unexpected error with its causes, no stack, and how to get one', () => {
    expect(describeError(outer, { debug: false })).toBe(
      'merge of S1 failed\n  caused by: git exited with 128\nSet BARO_DEBUG=1 to see the stack trace.',
    );
  });

  it('shows stacks when debugging', () => {
    const text = describeError(outer, { debug: true });
    expect(text).toMatch(/^Error: merge of S1 failed\n\s+at /);
    expect(text).toContain('caused by: Error: git exited with 128');
  });

  it('stops on a cyclic cause chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(describeError(a, { debug: false }).split('\n')).toHaveLength(6);
  });

  it('describes thrown non-errors', () => {
    expect(describeError({ code: 7 }, { debug: false })).toContain('{"code":7}');
  });
});
