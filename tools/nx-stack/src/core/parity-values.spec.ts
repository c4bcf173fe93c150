import { booleanOf, coerceValue, fillTemplate, sameValue, showValue, sizeBytes, versionParts } from './parity-values';

describe('parity values', () => {
  it('reads sizes as PostgreSQL and Redis write them (1024s)', () => {
    expect(sizeBytes('128MB')).toBe(128 * 1024 ** 2);
    expect(sizeBytes('192mb')).toBe(192 * 1024 ** 2);
    expect(sizeBytes('4g')).toBe(4 * 1024 ** 3);
    expect(sizeBytes(201326592)).toBe(201326592);
    expect(sizeBytes('lots')).toBeUndefined();
  });

  it('reads booleans in every spelling the services use', () => {
    expect([booleanOf('on'), booleanOf('yes'), booleanOf(true), booleanOf('off'), booleanOf('no'), booleanOf('maybe')]).toEqual([true, true, true, false, false, undefined]);
  });

  it('compares versions on the shorter precision', () => {
    expect(versionParts('15.18 (Debian 15.18-0+deb12u1)')).toEqual([15, 18]);
    expect(sameValue('version', '3.5.16', '3.5')).toBe(true);
    expect(sameValue('version', '3.5', '3.5.16')).toBe(true);
    expect(sameValue('version', '3.4.23', '3.5')).toBe(false);
    expect(sameValue('version', 'v22.23.5', '22')).toBe(true);
  });

  it('compares each type by its meaning', () => {
    expect(sameValue('size', '192mb', '192MB')).toBe(true);
    expect(sameValue('size', '0', '3gb')).toBe(false);
    expect(sameValue('size', 'unlimited', 'unlimited')).toBe(true);
    expect(sameValue('size', 'unlimited', '1g')).toBe(false);
    expect(sameValue('boolean', 'yes', true)).toBe(true);
    expect(sameValue('integer', '200', 200)).toBe(true);
    expect(sameValue('list', ['b', 'a'], 'a,b')).toBe(true);
    expect(sameValue('list', ['a'], ['a', 'b'])).toBe(false);
    expect(sameValue('string', 'AllKeys-LRU', 'allkeys-lru')).toBe(true);
  });

  it('coerces what services answer into baseline types, shows and fills templates', () => {
    expect(coerceValue('integer', '100')).toBe(100);
    expect(coerceValue('boolean', 'on')).toBe(true);
    expect(coerceValue('version', '15.18 (Debian)')).toBe('15.18');
    expect(coerceValue('list', 'b,a')).toEqual(['a', 'b']);
    expect(showValue(['b', 'a'])).toBe('a,b');
    expect(showValue(undefined)).toBe('-');
    expect(fillTemplate('{service}: set {parameter} to {target} {unknown}', { service: 'redis', parameter: 'maxmemory-policy', target: 'allkeys-lru' })).toBe(
      'redis: set maxmemory-policy to allkeys-lru {unknown}',
    );
  });
});
