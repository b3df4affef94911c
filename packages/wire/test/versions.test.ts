/** Version parsing and comparison as servers report versions. */
import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion } from '../src/index.js';

describe('parseVersion', () => {
  it.each([
    ['0.12.11', [0, 12, 11]],
    ['v0.10.1', [0, 10, 1]],
    ['0.33.0-rc2', [0, 33, 0]],
    ['0.10.1.dev12+g1a2b3c', [0, 10, 1]],
    ['0.9.2rc1', [0, 9, 2]],
    ['0.11', [0, 11, 0]],
    ['  1.2.3\n', [1, 2, 3]],
  ])('%s → %j', (version, expected) => {
    expect(parseVersion(version)).toEqual(expected);
  });

  it('rejects strings that do not start with a number', () => {
    expect(parseVersion('unknown')).toBeUndefined();
    expect(parseVersion('')).toBeUndefined();
  });
});

describe('compareVersions', () => {
  it('orders by major, minor, then patch, numerically', () => {
    expect(compareVersions('0.10.2', '0.12.0')).toBeLessThan(0);
    expect(compareVersions('0.12.10', '0.12.9')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0', '0.99.99')).toBeGreaterThan(0);
    expect(compareVersions('0.12.11', '0.12.11')).toBe(0);
  });

  it('ignores pre-release and build suffixes', () => {
    expect(compareVersions('0.12.0rc1', '0.12.0')).toBe(0);
    expect(compareVersions('0.33.0-rc2', '0.32.10')).toBeGreaterThan(0);
  });

  it('treats an unreadable version or a 0.0.0 development build as current', () => {
    expect(compareVersions('main', '0.12.11')).toBe(0);
    expect(compareVersions('0.0.0', '0.12.11')).toBe(0);
    expect(compareVersions('0.12.11', 'nightly')).toBe(0);
  });
});
