import { describe, expect, it } from 'vitest';
import { lingeringWork } from '../../cli/lingering.js';

describe('lingeringWork', () => {
  it('settles once every piece of work has ended, and warns of each failure instead of throwing', async () => {
    const warnings: string[] = [];
    const lingering = lingeringWork((line) => warnings.push(line));
    let finished = false;
    lingering.add(Promise.resolve().then(() => void (finished = true)));
    lingering.add(Promise.reject(new Error('rm -rf could not delete /tmp/x: delete them by hand')));
    await lingering.settled();
    expect(finished).toBe(true);
    expect(warnings).toEqual(['warning: rm -rf could not delete /tmp/x: delete them by hand']);
    await lingering.settled();
    expect(warnings).toHaveLength(1);
  });
});
